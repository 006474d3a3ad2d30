import DiscordModels
import DiscordREST
import Testing

@Suite struct ErrorDecodingTests {
    @Test(arguments: [
        (10003, DiscordErrorCode.unknownChannel),
        (10008, .unknownMessage),
        (10062, .unknownInteraction),
        (30046, .tooManyEditsToOldMessage),
        (40060, .interactionAlreadyAcknowledged),
        (50001, .missingAccess),
        (50013, .missingPermissions),
        (50035, .invalidFormBody),
    ])
    func decodesNamedCodes(raw: Int, code: DiscordErrorCode) throws {
        let body = try #require(DiscordErrorBody(json: Array(#"{"message":"m","code":\#(raw)}"#.utf8)))
        #expect(body.code == code)
        #expect(code.name != nil)
        #expect(body.message == "m")
    }

    @Test func flattensInvalidFormBodyFieldErrors() throws {
        let json = #"""
            {"code":50035,"message":"Invalid Form Body","errors":{
              "embeds":{"0":{"title":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 256 or fewer in length."}]},
                             "fields":{"10":{"value":{"_errors":[{"code":"BASE_TYPE_REQUIRED","message":"This field is required"}]}},
                                       "2":{"name":{"_errors":[{"code":"X","message":"Bad name."}]}}}}},
              "content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"Must be 2000 or fewer in length."}]}}}
            """#
        let body = try #require(DiscordErrorBody(json: Array(json.utf8)))
        #expect(body.code == .invalidFormBody)
        #expect(
            body.fieldErrors == [
                "content: Must be 2000 or fewer in length.",
                "embeds.0.fields.2.name: Bad name.",
                "embeds.0.fields.10.value: This field is required",
                "embeds.0.title: Must be 256 or fewer in length.",
            ]
        )
        let error = DiscordRESTError.http(
            route: "PATCH /channels/{channel.id}/messages/{message.id}",
            status: 400,
            body: body
        )
        #expect(error.description.contains("embeds.0.title: Must be 256 or fewer in length."))
        #expect(error.description.contains("HTTP 400"))
        #expect(error.discordCode == .invalidFormBody)
        #expect(error.fieldErrors.count == 4)
    }

    @Test func unknownCodesAndNonJSONBodies() {
        #expect(DiscordErrorBody(json: Array(#"{"message":"new","code":99999}"#.utf8))?.code.rawValue == 99999)
        #expect(DiscordErrorBody(json: Array("<html>bad gateway</html>".utf8)) == nil)
        #expect(DiscordErrorCode(rawValue: 99999).description == "99999")
        #expect(DiscordErrorCode.unknownMessage.description == "10008 (Unknown Message)")
    }

    @Test func routeDescriptionsAndRedactionHideInteractionTokens() {
        let token = Secret("aW50ZXJhY3Rpb246c2VjcmV0LXRva2VuLXZhbHVl")
        let route = Route.editOriginalResponse(applicationID: "1", token: token)
        #expect(route.path.contains(token.exposedValue))
        #expect(!route.description.contains(token.exposedValue))
        #expect(!route.rateLimitKey.contains(token.exposedValue))
        #expect(
            route.redact("GET http://x\(route.path) failed") == "GET http://x/webhooks/1/****/messages/@original failed"
        )
        let callback = Route.createInteractionResponse(interactionID: "9", token: token)
        #expect(callback.description == "POST /interactions/{interaction.id}/{interaction.token}/callback")
        #expect(callback.isExemptFromGlobalLimit)
        #expect(!Route.createMessage(channelID: "1").isExemptFromGlobalLimit)
    }
}
