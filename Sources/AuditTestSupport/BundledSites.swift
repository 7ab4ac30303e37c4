import AuditCore
import AuditSpec
import Foundation

/// The bundled site shares of the flchain data (`Sites/` at the package root) and its audit spec.
public enum BundledSites {
    /// The `Sites` folder.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sites").standardized.path
    /// The three sites, in order.
    public static let names = ["olmsted-central", "olmsted-north", "olmsted-south"]
    /// A site's data file.
    public static func data(_ name: String) -> String { "\(root)/\(name)/data.csv" }
    /// The bundled flchain spec with `bootstrap` replicates.
    public static func spec(bootstrap: Int) throws -> AuditSpec {
        var spec = try AuditSpec.load(path: "\(root)/specs/flchain_5y_mortality.yaml")
        spec.tests.bootstrapReplicates = bootstrap
        return spec
    }
}
