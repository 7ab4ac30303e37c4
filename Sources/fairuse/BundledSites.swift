import Foundation

/// Finds the repository's `Sites/` folder (the demo's three sites and the example specs), so that
/// `fairuse demo` runs from any folder: the current folder's `Sites`, else the nearest `Sites`
/// above the executable (`.build/debug/fairuse` lives inside the checkout), else the checkout this
/// binary was built from.
enum BundledSites {
    /// The spec the demo audits, relative to `Sites/`.
    static let demoSpec = "specs/flchain_5y_mortality.yaml"

    /// This process's executable file.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The first candidate folder that holds the demo spec.
    static func locate(currentDirectory: String = FileManager.default.currentDirectoryPath,
                       executable: String = BundledSites.executable, sourceFile: String = #filePath) throws -> String {
        let candidates = Self.candidates(currentDirectory: currentDirectory, executable: executable, sourceFile: sourceFile)
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/" + demoSpec) }) {
            return found
        }
        throw CommandError("cannot find the bundled Sites folder (looked in \(candidates.joined(separator: ", "))); give --sites DIR")
    }

    /// Where to look, in order, without duplicates.
    static func candidates(currentDirectory: String, executable: String, sourceFile: String) -> [String] {
        var out = [URL(fileURLWithPath: currentDirectory).appendingPathComponent("Sites").standardized.path]
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path != "/" {
            out.append(folder.appendingPathComponent("Sites").path)
            folder.deleteLastPathComponent()
        }
        // Sources/fairuse/BundledSites.swift → the checkout's Sites.
        out.append(URL(fileURLWithPath: sourceFile).deletingLastPathComponent().appendingPathComponent("../../Sites").standardized.path)
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }
}
