import Foundation
import Testing
@testable import fairuse

/// `fairuse coordinator events --since`: an RFC 3339 time or an age; anything else is a usage
/// error naming the option and the accepted forms.
@Suite("fairuse coordinator events")
struct CoordinatorEventsTests {
    @Test(arguments: [("90s", 90.0), ("30m", 1800.0), ("2h", 7200.0), ("7d", 604_800.0), ("0.5h", 1800.0)])
    func agesCountBackFromNow(text: String, seconds: Double) throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(CoordinatorCommand.Events.time(text, now: now) == now.addingTimeInterval(-seconds))
    }

    @Test func anRFC3339TimeIsTakenAsGiven() {
        #expect(CoordinatorCommand.Events.time("2026-12-04T18:00:00Z", now: Date()) == Date(timeIntervalSince1970: 1_796_407_200))
    }

    @Test(arguments: ["yesterday", "5w", "-3h", "h", "2026-13-40"])
    func otherFormsAreRefused(text: String) {
        #expect(CoordinatorCommand.Events.time(text, now: Date()) == nil)
    }

    @Test func aBadSinceIsAUsageErrorNamingTheForms() throws {
        let result = try #require(throws: (any Error).self) {
            try CoordinatorCommand.parseAsRoot(["events", "--since", "yesterday", "--coordinator", "https://x", "--cert", "c", "--key", "k", "--ca", "a"])
        }
        #expect(CoordinatorCommand.message(for: result)
                == "--since 'yesterday': expected an RFC 3339 time (2026-12-04T18:00:00Z) or an age such as 30m, 2h, 7d")
    }
}
