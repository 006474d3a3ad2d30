import DiscordModels
import Testing

@testable import StatusBot

@Suite struct AuthorizationTests {
    typealias F = InteractionFixture

    let byID = InteractionAuthorizer(allowedGuildID: F.guild, allowedRoles: [.id(F.adminRole)])

    func guild(roles: [Role]) -> Guild {
        Guild(id: F.guild, name: "Home", roles: roles)
    }

    @Test func memberWithAllowedRoleIDIsAllowed() {
        #expect(byID.authorize(F.command("bot_status", roles: [F.strangerRole, F.adminRole])) == .allowed)
    }

    @Test func directMessageIsRefused() {
        #expect(byID.authorize(F.command("bot_status", guild: nil)) == .refused(.directMessage))
    }

    @Test func otherGuildIsRefused() {
        let decision = byID.authorize(F.command("bot_status", guild: F.otherGuild))
        #expect(decision == .refused(.wrongGuild(F.otherGuild)))
    }

    @Test func memberWithoutAllowedRoleIsRefused() {
        #expect(byID.authorize(F.command("bot_status", roles: [F.strangerRole])) == .refused(.missingRole))
        #expect(byID.authorize(F.command("bot_status", roles: [])) == .refused(.missingRole))
    }

    @Test func roleByNameResolvesFromGuildCreate() {
        var authorizer = InteractionAuthorizer(allowedGuildID: F.guild, allowedRoles: [.name("Server Operators")])
        // Before GUILD_CREATE the name cannot be resolved: refused, saying why.
        #expect(authorizer.authorize(F.command("bot_status", roles: [F.operatorRole])) == .refused(.rolesNotLoaded))
        let learned = authorizer.learnRoles(
            from: guild(roles: [
                Role(id: F.operatorRole, name: "server operators"), Role(id: F.strangerRole, name: "Guests"),
            ])
        )
        #expect(learned)
        #expect(authorizer.allowedRoleIDs == [F.operatorRole])
        #expect(authorizer.authorize(F.command("bot_status", roles: [F.operatorRole])) == .allowed)
        #expect(authorizer.authorize(F.command("bot_status", roles: [F.strangerRole])) == .refused(.missingRole))
    }

    @Test func renamedRoleStopsGrantingAccess() {
        var authorizer = InteractionAuthorizer(allowedGuildID: F.guild, allowedRoles: [.name("Ops")])
        authorizer.learnRoles(from: guild(roles: [Role(id: F.operatorRole, name: "Ops")]))
        #expect(authorizer.authorize(F.command("bot_status", roles: [F.operatorRole])) == .allowed)
        authorizer.learnRoles(from: guild(roles: [Role(id: F.operatorRole, name: "Former ops")]))
        #expect(authorizer.authorize(F.command("bot_status", roles: [F.operatorRole])) == .refused(.missingRole))
    }

    @Test func roleEventsApplyAtOnceWithoutANewGuildCreate() {
        var authorizer = InteractionAuthorizer(allowedGuildID: F.guild, allowedRoles: [.name("Game Admin")])
        authorizer.learnRoles(from: guild(roles: [Role(id: F.operatorRole, name: "Game Admin")]))
        let press = F.command("bot_status", roles: [F.operatorRole, F.adminRole])
        #expect(authorizer.authorize(press) == .allowed)
        // Renaming the role away revokes it (a RESUME replays this event but sends no GUILD_CREATE).
        let renamed = authorizer.apply(
            GuildRoleEvent(guildID: F.guild, role: Role(id: F.operatorRole, name: "Retired"))
        )
        #expect(renamed)
        #expect(authorizer.authorize(press) == .refused(.missingRole))
        // A new role taking the name grants it.
        authorizer.apply(GuildRoleEvent(guildID: F.guild, role: Role(id: F.adminRole, name: "game admin")))
        #expect(authorizer.allowedRoleIDs == [F.adminRole])
        #expect(authorizer.authorize(press) == .allowed)
        // Deleting it revokes it again.
        let deleted = authorizer.apply(GuildRoleDeleteEvent(guildID: F.guild, roleID: F.adminRole))
        #expect(deleted)
        #expect(authorizer.authorize(press) == .refused(.missingRole))
        let deletedAgain = authorizer.apply(GuildRoleDeleteEvent(guildID: F.guild, roleID: F.adminRole))
        #expect(!deletedAgain)
    }

    @Test func roleEventsOfOtherGuildsAreIgnored() {
        var authorizer = InteractionAuthorizer(allowedGuildID: F.guild, allowedRoles: [.name("Ops")])
        authorizer.learnRoles(from: guild(roles: [Role(id: F.operatorRole, name: "Ops")]))
        let updated = authorizer.apply(GuildRoleEvent(guildID: F.otherGuild, role: Role(id: F.operatorRole, name: "X")))
        let deleted = authorizer.apply(GuildRoleDeleteEvent(guildID: F.otherGuild, roleID: F.operatorRole))
        #expect(!updated && !deleted)
        #expect(authorizer.allowedRoleIDs == [F.operatorRole])
    }

    @Test func rolesOfOtherGuildsAreIgnored() {
        var authorizer = InteractionAuthorizer(allowedGuildID: F.guild, allowedRoles: [.name("Ops")])
        let learned = authorizer.learnRoles(
            from: Guild(id: F.otherGuild, name: "Elsewhere", roles: [Role(id: F.strangerRole, name: "Ops")])
        )
        #expect(!learned)
        #expect(authorizer.allowedRoleIDs.isEmpty)
    }

    @Test func idsAndNamesCombine() {
        var authorizer = InteractionAuthorizer(allowedGuildID: F.guild, allowedRoles: [.id(F.adminRole), .name("Ops")])
        #expect(authorizer.authorize(F.command("bot_status", roles: [F.adminRole])) == .allowed)
        authorizer.learnRoles(from: guild(roles: [Role(id: F.operatorRole, name: "Ops")]))
        #expect(authorizer.allowedRoleIDs == [F.adminRole, F.operatorRole])
    }

    @Test func refusalTextsSayWhy() {
        #expect(AuthorizationRefusal.directMessage.message.contains("direct messages"))
        #expect(AuthorizationRefusal.wrongGuild(F.otherGuild).message.contains("not enabled in this server"))
        #expect(AuthorizationRefusal.missingRole.message.contains("allowed roles"))
        #expect(AuthorizationRefusal.rolesNotLoaded.message.contains("try again"))
    }
}
