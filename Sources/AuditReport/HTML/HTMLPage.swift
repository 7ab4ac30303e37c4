/// A self-contained HTML page in the report's style, for other views of the audits (the
/// coordinator's dashboard): escaping and the page shell are shared so every page looks alike.
public enum HTMLPage {
    /// Escapes text for element content and attribute values.
    public static func escape(_ text: String) -> String { Markup.escape(text) }

    /// An HTML table from already-escaped cells; the first cell of a row is its header.
    public static func table(_ header: [String], _ rows: [[String]], caption: String? = nil) -> String {
        Markup.table(header, rows, caption: caption, numericFrom: Int.max)
    }

    /// A whole page; `refreshSeconds` reloads it periodically (live views without scripts).
    public static func document(title: String, body: String, refreshSeconds: Int? = nil) -> String {
        let refresh = refreshSeconds.map { "<meta http-equiv=\"refresh\" content=\"\($0)\"/>" } ?? ""
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>\(refresh)
        <title>\(escape(title))</title><style>\(HTMLStyle.css)\(css)</style></head>
        <body>
        \(body)</body></html>

        """
    }

    static let css = """
    .state{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;background:#eceff2}
    .state.complete,.state.submitted,.state.active{background:#dff1e5;color:#14532d}
    .state.partial,.state.expired,.state.refused{background:#fdf0d5;color:#7a4a00}
    .state.failed,.state.cancelled,.state.revoked{background:#fbecee;color:#8b1020}
    .state.created,.state.dispatched,.state.collecting,.state.combining,.state.queued,.state.delivered,.state.accepted{background:#e3edf9;color:#1f4e8c}
    """
}
