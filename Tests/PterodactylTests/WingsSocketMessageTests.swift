import PanelCore
import Pterodactyl
import Testing

/// Wings websocket frames (reference §12; pterodactyl/wings `router/websocket/message.go`, `server/resources.go`).
@Suite struct WingsSocketMessageTests {
    @Test func clientFramesEncodeAsEventAndStringArgs() {
        #expect(
            WingsClientFrame.auth(WingsSocketToken("eyJ.a/b.c")).encodedText
                == #"{"args":["eyJ.a/b.c"],"event":"auth"}"#
        )
        #expect(WingsClientFrame.sendStats.encodedText == #"{"args":[],"event":"send stats"}"#)
    }

    @Test func tokensNeverPrintThemselves() {
        let secret = "eyJhbGciOiJIUzI1NiJ9.payload.signature1234"
        let token = WingsSocketToken(secret)
        let frame = WingsClientFrame.auth(token)
        var dumped = ""
        dump(frame, to: &dumped)
        for text in ["\(token)", String(reflecting: token), "\(frame)", dumped] {
            #expect(!text.contains(secret))
            #expect(!text.contains("1234"))
        }
        #expect("\(frame)" == "auth [WingsSocketToken(****)]")
    }

    @Test func statsArgumentIsAJSONStringInResourcesUnits() {
        let stats =
            #"{\"memory_bytes\":2254857830,\"memory_limit_bytes\":4509715660,\"cpu_absolute\":87.532,"#
            + #"\"network\":{\"rx_bytes\":52428800,\"tx_bytes\":209715200},\"uptime\":3723009,"#
            + #"\"state\":\"running\",\"disk_bytes\":3890234368}"#
        let message = WingsSocketMessage(frame: #"{"event":"stats","args":[""# + stats + #""]}"#)
        #expect(
            Self.usage(message)
                == ServerResources(
                    state: .running,
                    memoryBytes: 2_254_857_830,
                    cpuAbsolute: 87.532,
                    diskBytes: 3_890_234_368,
                    networkRxBytes: 52_428_800,
                    networkTxBytes: 209_715_200,
                    uptimeMilliseconds: 3_723_009
                )
        )
    }

    @Test func aStatsFrameWithItsFieldsInAnotherOrderIsReadAlike() {
        let message = WingsSocketMessage(frame: #"{"args":["{\"cpu_absolute\":12.5}"],"event":"stats"}"#)
        #expect(Self.usage(message) == ServerResources(state: .offline, rawState: "stopped", cpuAbsolute: 12.5))
    }

    /// The usage of a `stats` message, nil for any other message or an unreadable argument.
    private static func usage(_ message: WingsSocketMessage) -> ServerResources? {
        guard case .stats(let sample) = message else { return nil }
        return sample.usage
    }

    @Test func statsToleratesIntegerCPUMissingAndMistypedFields() {
        let message = WingsSocketMessage(
            frame: #"{"event":"stats","args":["{\"cpu_absolute\":100,\"memory_bytes\":\"x\",\"state\":\"offline\"}"]}"#
        )
        #expect(Self.usage(message) == ServerResources(state: .offline, cpuAbsolute: 100))
        // No state at all maps like `/resources` without `current_state`: the panel's `stopped`, shown offline.
        let stateless = WingsSocketMessage(frame: #"{"event":"stats","args":["{}"]}"#)
        #expect(Self.usage(stateless) == ServerResources(state: .offline, rawState: "stopped"))
    }

    @Test func statusMapsLikeCurrentStateAndKeepsTheRawValue() {
        #expect(
            WingsSocketMessage(frame: #"{"event":"status","args":["starting"]}"#) == .status(.starting, raw: "starting")
        )
        #expect(
            WingsSocketMessage(frame: #"{"event":"status","args":["hibernating"]}"#)
                == .status(.offline, raw: "hibernating")
        )
    }

    @Test func tokenAndErrorEventsDecode() {
        #expect(WingsSocketMessage(frame: #"{"event":"auth success"}"#) == .authSuccess)
        #expect(WingsSocketMessage(frame: #"{"event":"token expiring"}"#) == .tokenExpiring)
        #expect(WingsSocketMessage(frame: #"{"event":"token expired","args":[]}"#) == .tokenExpired)
        #expect(
            WingsSocketMessage(frame: #"{"event":"jwt error","args":["jwt: exp claim is invalid"]}"#)
                == .jwtError("jwt: exp claim is invalid")
        )
        #expect(
            WingsSocketMessage(frame: #"{"event":"daemon error","args":["power lock held"]}"#)
                == .daemonError("power lock held")
        )
        #expect(
            WingsSocketMessage(frame: #"{"event":"console output","args":["[Server] Done"]}"#)
                == .other("console output")
        )
    }

    @Test func malformedFramesBecomeValuesNotCrashes() {
        for text in ["", "not json", "[]", #"{"args":["x"]}"#, #"{"event":42}"#] {
            guard case .undecodable = WingsSocketMessage(frame: text) else {
                Issue.record("\(text) decoded")
                continue
            }
        }
        // A stats frame is read when its sample is used: a broken one has no usage, and the machine skips it.
        for text in [
            #"{"event":"stats","args":["{not json"]}"#, #"{"event":"stats","args":[]}"#, #"{"event":"stats"x"#,
        ] {
            guard case .stats(let sample) = WingsSocketMessage(frame: text) else {
                Issue.record("\(text) not taken for a stats frame")
                continue
            }
            #expect(sample.usage == nil)
        }
        #expect(WingsSocketMessage(frame: #"{"event":"statsx","args":[]}"#) == .other("statsx"))
        // Non-string arguments are dropped rather than failing the frame.
        #expect(WingsSocketMessage(frame: #"{"event":"jwt error","args":[1]}"#) == .jwtError(""))
    }
}
