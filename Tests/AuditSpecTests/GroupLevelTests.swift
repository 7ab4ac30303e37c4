import Testing
import AuditSpec

@Suite("Level labels of group attributes")
struct GroupLevelTests {
    /// (cuts, value, expected label)
    static let labelCases: [([Double], Double, String)] = [
        ([60.0], 59.9, "<60"),
        ([60.0], 60.0, "60+"),
        ([60.0], 101.0, "60+"),
        ([60.0], -.infinity, "<60"),
        ([50.0, 70.0], 49.0, "<50"),
        ([50.0, 70.0], 50.0, "[50,70)"),
        ([50.0, 70.0], 69.99, "[50,70)"),
        ([50.0, 70.0], 70.0, "70+"),
        ([50.0, 70.0], .infinity, "70+"),
        ([18.5, 25.0, 30.0], 27.0, "[25,30)"),
        ([18.5, 25.0, 30.0], 18.0, "<18.5"),
        ([-1.0, 0.0], -0.5, "[-1,0)"),
    ]

    @Test("values fall in the level of their interval, closed on the left", arguments: labelCases)
    func level(cuts: [Double], value: Double, expected: String) {
        let group = GroupAttributeSpec(column: "age", cuts: cuts)
        #expect(group.level(for: value) == expected)
        #expect(group.levels?.contains(expected) == true)
    }

    @Test("levels list every label lowest first")
    func levels() {
        #expect(GroupAttributeSpec(column: "age", cuts: [60]).levels == ["<60", "60+"])
        #expect(GroupAttributeSpec(column: "age", cuts: [50, 70]).levels == ["<50", "[50,70)", "70+"])
        #expect(GroupAttributeSpec(column: "sex").levels == nil)
    }

    @Test("the display name defaults to the column")
    func displayName() {
        #expect(GroupAttributeSpec(column: "age", name: "age_group", cuts: [60]).displayName == "age_group")
        #expect(GroupAttributeSpec(column: "sex").displayName == "sex")
    }

    @Test("labels from a parsed spec match the bundled datasets' age_group labels")
    func parsedCuts() throws {
        let spec = try AuditSpec.parse(yaml: """
            fairuse: 1
            name: cuts
            outcome: {column: y}
            groups:
              - column: age
                cuts: [65]
                name: age_group
            """, source: "cuts.yaml")
        let age = try #require(spec.groups.first)
        #expect(age.level(for: 64) == "<65")
        #expect(age.level(for: 65) == "65+")
    }
}
