import Foundation

/// The parser of `postgres://user@host[:port]/database` (also `postgresql://`).
///
/// Stricter than libpq on purpose: one host, a user and a database are required, and query parameters
/// are refused, because every setting has its own configuration key. A URL whose user part contains
/// `:` is refused as carrying a password, and from then on no error quotes the text.
enum PostgresURL {
    /// The parts of a parsed URL.
    struct Parts: Equatable {
        var user: String
        var host: String
        var port: Int
        var database: String
    }

    static let expected = "postgres://USER@HOST[:PORT]/DATABASE"

    static func parse(_ text: String, keys: PostgresLocation.Keys) throws(PostgresLocationError) -> Parts {
        let key = keys.url
        func invalid(_ why: String) -> PostgresLocationError {
            PostgresLocationError(code: .invalidURL, key: key, message: "\(why); expected \(expected)")
        }
        // The password check comes first, on the raw text, so nothing below ever quotes a secret.
        let afterScheme = text.range(of: "://").map { String(text[$0.upperBound...]) } ?? text
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") {
            throw PostgresLocationError(code: .inlinePassword, key: key, message: """
                the URL contains a password (user:password@…), which is not shown here and not accepted in \
                a URL; put the password in a file named by \(keys.passwordFile) or in an environment variable \
                named by \(keys.passwordEnvironment), and write \(expected)
                """)
        }
        let scheme = text.range(of: "://").map { String(text[..<$0.lowerBound]) }
        guard let scheme, scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("'\(text)' is not a postgres:// URL")
        }
        if afterScheme.contains("?") || afterScheme.contains("#") {
            throw invalid("query parameters and fragments (after '?' or '#') are not read, each setting has its own key")
        }
        guard let at = authority.lastIndex(of: "@") else {
            throw invalid("'\(text)' names no user (USER@ before the host)")
        }
        guard let user = decode(authority[..<at]), !user.isEmpty else {
            throw invalid("'\(text)' has an empty or badly %-encoded user name")
        }
        let (host, port) = try hostAndPort(authority[authority.index(after: at)...], text: text, invalid: invalid)
        let path = afterScheme[authorityEnd...]
        guard path.hasPrefix("/"), let database = decode(path.dropFirst()), !database.isEmpty else {
            throw invalid("'\(text)' names no database (/DATABASE after the host)")
        }
        guard !database.contains("/") else {
            throw invalid("'\(text)' has a path with more than one part; the database name is one part")
        }
        return Parts(user: user, host: host, port: port, database: database)
    }

    private static func hostAndPort(_ hostPort: Substring, text: String,
                                    invalid: (String) -> PostgresLocationError) throws(PostgresLocationError) -> (String, Int) {
        var host: Substring
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw invalid("'\(text)' has an IPv6 host without ']'") }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let rest = hostPort[hostPort.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw invalid("'\(text)' has text after the IPv6 host") }
                portText = rest.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw invalid("'\(text)' has an invalid IPv6 address")
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = hostPort
        }
        guard !host.isEmpty else { throw invalid("'\(text)' names no host") }
        guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._:".contains($0)) }) else {
            throw invalid("'\(text)' has a host with characters other than letters, digits, '-', '.' and '_'")
        }
        var port = 5432
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw invalid("'\(text)' has port '\(portText)', expected a number from 1 to 65535")
            }
            port = value
        }
        return (String(host), port)
    }

    /// Percent-decodes `part`; `nil` if an escape is malformed or the result is not UTF-8.
    private static func decode(_ part: Substring) -> String? {
        guard part.contains("%") else { return String(part) }
        return part.removingPercentEncoding
    }
}
