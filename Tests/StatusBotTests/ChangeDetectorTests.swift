import PanelCore
import Testing

@testable import StatusBot

@Suite struct ChangeDetectorTests {
    let detector = ChangeDetector(cpuChangeThreshold: 50, forceUpdateInterval: .seconds(600))

    func shown(_ state: ServerState, cpu: Double? = nil, graph: Bool = false, stale: Bool = false)
        -> ChangeDetector.Shown
    {
        ChangeDetector.Shown(state: state, cpuPercent: cpu, hadGraph: graph, isStale: stale)
    }

    @Test func firstCheckAlwaysEdits() {
        #expect(detector.reasonToEdit(shown: nil, current: shown(.offline), sinceLastEdit: .zero) == .firstCheck)
    }

    @Test func unchangedStateMakesNoEdit() {
        let reason = detector.reasonToEdit(
            shown: shown(.running, cpu: 40),
            current: shown(.running, cpu: 89),
            sinceLastEdit: .seconds(590)
        )
        #expect(reason == nil)
    }

    @Test func stateChangeEdits() {
        let reason = detector.reasonToEdit(
            shown: shown(.running, cpu: 5),
            current: shown(.stopping, cpu: 5),
            sinceLastEdit: .seconds(10)
        )
        #expect(reason == .stateChanged(from: .running, to: .stopping))
    }

    @Test func cpuJumpAboveThresholdEdits() {
        let up = detector.reasonToEdit(
            shown: shown(.running, cpu: 10),
            current: shown(.running, cpu: 60.5),
            sinceLastEdit: .seconds(10)
        )
        #expect(up == .cpuChanged(by: 50.5))
        let down = detector.reasonToEdit(
            shown: shown(.running, cpu: 300),
            current: shown(.running, cpu: 120),
            sinceLastEdit: .seconds(10)
        )
        #expect(down == .cpuChanged(by: 180))
        let exactlyThreshold = detector.reasonToEdit(
            shown: shown(.running, cpu: 10),
            current: shown(.running, cpu: 60),
            sinceLastEdit: .seconds(10)
        )
        #expect(exactlyThreshold == nil)
    }

    @Test func graphBecomingAvailableEdits() {
        let reason = detector.reasonToEdit(
            shown: shown(.running, cpu: 10),
            current: shown(.running, cpu: 12, graph: true),
            sinceLastEdit: .seconds(10)
        )
        #expect(reason == .graphAvailable)
    }

    @Test func forcedRefreshAfterInterval() {
        let reason = detector.reasonToEdit(
            shown: shown(.running, cpu: 10),
            current: shown(.running, cpu: 10),
            sinceLastEdit: .seconds(600)
        )
        #expect(reason == .forcedRefresh)
    }

    @Test func staleValuesAreNotForceRefreshed() {
        for state in [ServerState.panelUnreachable, .nodeOffline, .running] {
            let reason = detector.reasonToEdit(
                shown: shown(state, stale: true),
                current: shown(state, stale: true),
                sinceLastEdit: .seconds(3600)
            )
            #expect(reason == nil)
        }
    }

    @Test func becomingStaleOrCurrentAgainEdits() {
        let current = shown(.running, cpu: 10)
        let stale = shown(.running, stale: true)
        #expect(
            detector.reasonToEdit(shown: current, current: stale, sinceLastEdit: .seconds(10))
                == .stalenessChanged(isStale: true)
        )
        #expect(
            detector.reasonToEdit(shown: stale, current: current, sinceLastEdit: .seconds(10))
                == .stalenessChanged(isStale: false)
        )
    }
}

@Suite struct StatusButtonIDTests {
    @Test func roundTripsEveryAction() {
        let id = ServerID("1a2b3c4d")
        for button in [StatusButtonID.power(.start, id), .power(.stop, id), .power(.restart, id), .showAddress(id)] {
            #expect(StatusButtonID(customID: button.customID) == button)
            #expect(button.customID.count <= 100)
        }
    }

    @Test func serversOfNamedPanelsRoundTrip() {
        let id = ServerID(panel: "home", local: "valheim.server01")
        let button = StatusButtonID.power(.restart, id)
        #expect(button.customID == "ptero:restart:home:valheim.server01")
        #expect(StatusButtonID(customID: button.customID) == button)
        #expect(StatusButtonID(customID: "ptero:address:home:valheim.server01") == .showAddress(id))
    }

    @Test func rejectsForeignAndMalformedIDs() {
        for text in [
            "", "ptero", "ptero:start", "ptero:kill:1a2b3c4d", "other:start:1a2b3c4d", "ptero:start:", "ptero:fly:abc",
            "ptero:start:a:b:c", "ptero:start:..", "ptero:start:home:../x", "ptero:start:home:.env", "ptero:start::abc",
            "ptero:start:a/b", "ptero:start:a%2f",
        ] {
            #expect(StatusButtonID(customID: text) == nil, "accepted \(text)")
        }
    }
}

@Suite struct UnitFormattingTests {
    @Test func bytesUseBinaryUnits() {
        #expect(UnitFormatting.bytes(0) == "0 B")
        #expect(UnitFormatting.bytes(1023) == "1023 B")
        #expect(UnitFormatting.bytes(1536) == "1.50 KiB")
        #expect(UnitFormatting.bytes(512 * 1_048_576) == "512 MiB")
        #expect(UnitFormatting.bytes(3 * 1_073_741_824 + 268_435_456) == "3.25 GiB")
        #expect(UnitFormatting.bytes(-5) == "0 B")
    }

    @Test func durationsAreCompact() {
        #expect(UnitFormatting.duration(milliseconds: 42_000) == "42s")
        #expect(UnitFormatting.duration(milliseconds: 125_000) == "2m 5s")
        #expect(UnitFormatting.duration(milliseconds: 5 * 3_600_000) == "5h 0m")
        #expect(UnitFormatting.duration(milliseconds: 2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000) == "2d 3h 4m")
    }

    @Test func decimalsRoundAndPad() {
        #expect(UnitFormatting.decimal(27.55, places: 1) == "27.6")
        #expect(UnitFormatting.decimal(3, places: 2) == "3.00")
        #expect(UnitFormatting.decimal(-0.04, places: 1) == "0.0")
        #expect(UnitFormatting.decimal(.nan, places: 1) == "–")
        #expect(UnitFormatting.percent(276.34) == "276.3%")
    }
}

extension ChangeDetectorTests {
    func players(_ count: Int?) -> ChangeDetector.Shown {
        ChangeDetector.Shown(state: .running, cpuPercent: 40, hadGraph: true, players: count)
    }

    @Test func aPlayerCountChangeEditsAtMostOnceAMinute() {
        #expect(detector.reasonToEdit(shown: players(3), current: players(4), sinceLastEdit: .seconds(59)) == nil)
        #expect(
            detector.reasonToEdit(shown: players(3), current: players(4), sinceLastEdit: .seconds(60))
                == .playersChanged(from: 3, to: 4)
        )
        #expect(detector.reasonToEdit(shown: players(3), current: players(3), sinceLastEdit: .seconds(300)) == nil)
        // Becoming unknown (the server stopped answering) or known again is a change too.
        #expect(
            detector.reasonToEdit(shown: players(3), current: players(nil), sinceLastEdit: .seconds(60))
                == .playersChanged(from: 3, to: nil)
        )
    }

    @Test func withAStepOnlyCrossingAMultipleCounts() {
        let stepped = ChangeDetector(cpuChangeThreshold: 50, forceUpdateInterval: .seconds(600), playersStep: 5)
        #expect(stepped.reasonToEdit(shown: players(5), current: players(9), sinceLastEdit: .seconds(120)) == nil)
        #expect(
            stepped.reasonToEdit(shown: players(9), current: players(10), sinceLastEdit: .seconds(120))
                == .playersChanged(from: 9, to: 10)
        )
        #expect(
            stepped.reasonToEdit(shown: players(5), current: players(4), sinceLastEdit: .seconds(120))
                == .playersChanged(from: 5, to: 4)
        )
    }
}
