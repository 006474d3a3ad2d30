import DiscordModels
import ServiceLifecycle

/// Hands gateway events to the interaction handler; ends with the gateway's event stream or at shutdown.
struct GatewayEventRouter: Service {
    let events: AsyncStream<GatewayEvent>
    let handler: InteractionHandler

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await event in events { handler.receive(event) }
        }
    }
}
