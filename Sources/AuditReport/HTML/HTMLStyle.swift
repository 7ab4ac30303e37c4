/// The report's one inline stylesheet: readable on screen, black-and-white safe (marks as well as
/// colours), and printable (no navigation, figures not split across pages).
enum HTMLStyle {
    static let css = """
    :root{--harm:#b2182b;--help:#1a7a3c;--ink:#1d232a;--muted:#5b6570;--rule:#d6dbe0}
    *{box-sizing:border-box}
    body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);max-width:1180px;margin:0 auto;padding:24px}
    h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;border-bottom:2px solid var(--rule);padding-bottom:4px;margin-top:36px}
    h3{font-size:16px;margin:24px 0 8px}h4{font-size:14px;margin:16px 0 6px;color:var(--muted)}
    .meta{color:var(--muted);margin:0 0 16px}
    nav{background:#f4f6f8;border:1px solid var(--rule);padding:8px 12px;border-radius:6px;font-size:14px}
    nav a{margin-right:14px;color:#1f4e8c;text-decoration:none}
    .verdict{padding:10px 14px;border-radius:6px;margin:8px 0;border-left:6px solid var(--muted);background:#f6f7f9}
    .verdict.harm{border-color:var(--harm);background:#fbecee}.verdict.ok{border-color:var(--help);background:#edf7f0}
    ul.findings li{margin:4px 0}
    table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
    caption{text-align:left;font-weight:600;padding:4px 0}
    th,td{border-bottom:1px solid var(--rule);padding:3px 8px;text-align:left;vertical-align:top}
    thead th{background:#f4f6f8;border-bottom:2px solid var(--rule)}
    td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    tr.violation th,tr.violation td{background:#fbecee}tr.gain th,tr.gain td{background:#edf7f0}
    .flag-violation{color:var(--harm);font-weight:700}.flag-gain{color:var(--help);font-weight:600}
    figure{margin:12px 0 20px;break-inside:avoid;page-break-inside:avoid}
    figcaption{font-size:13px;color:var(--muted);max-width:760px}
    .grid{display:flex;flex-wrap:wrap;gap:8px 16px}.grid figure{margin:0}svg.forest text.value{font-size:11px}
    svg.plot{max-width:100%;height:auto;font-size:12px;font-family:inherit}
    svg .axis-title{font-weight:600;font-size:12px}svg .tick{fill:var(--muted);font-size:11px}
    svg .label{font-size:12px}svg .value{font-size:12px;font-variant-numeric:tabular-nums}
    svg line.grid{stroke:#e3e7eb}svg line.zero{stroke:#333;stroke-dasharray:4 3}
    svg rect.band{fill:#f6f7f9}
    svg line.ci{stroke:#7a838c;stroke-width:2}svg line.ci.violation{stroke:var(--harm)}svg line.ci.gain{stroke:var(--help)}
    svg circle.dot{stroke:#fff;stroke-width:1.5}svg circle.none{fill:#5b6570}svg circle.violation{fill:var(--harm)}svg circle.gain{fill:var(--help)}
    svg text.violation{fill:var(--harm);font-weight:700}svg text.gain{fill:var(--help);font-weight:600}
    svg rect.cell{stroke:#fff}svg rect.own{fill:#eceff2}svg rect.undefined{fill:#fafafa;stroke:#e3e7eb}
    svg rect.significant-violation{stroke:#111;stroke-width:2.5}svg rect.significant-gain{stroke:#111;stroke-width:2.5;stroke-dasharray:5 2}
    svg text.cell-text{font-size:11px}svg text.significant-violation,svg text.significant-gain{font-weight:700}
    svg text.mark{font-size:9px}svg rect.legend{stroke:#ccc}
    svg rect.site{fill:#1f4e8c}svg polygon.diamond.fe{fill:#5b6570}svg polygon.diamond.re{fill:#1f4e8c}
    svg line.prediction{stroke:#1f4e8c;stroke-width:2;stroke-dasharray:6 3}svg text.pooled{font-weight:600}
    svg line.ci.stand-in{stroke-dasharray:4 2}svg polygon.estimate{fill:#fff;stroke:var(--ink);stroke-width:1.2}
    svg text.caution-mark{fill:#9a5b00;font-weight:700;paint-order:stroke;stroke:#fff;stroke-width:2.5px}
    td.caution-cell{min-width:15em}tbody th{white-space:nowrap}td .meta{margin:0;font-size:12px}
    .caution{color:#7a4a00}span.caution{font-size:12px}p.caution{font-size:13px}
    details.cautions{font-size:13px;color:#7a4a00}details.cautions summary{color:#7a4a00}details.cautions ul{margin:4px 0}
    .note.d4{border-left:4px solid #c9a227;background:#fdf8e6;padding:6px 10px;font-size:13px;max-width:900px}
    .detectable{font-size:13px;margin:6px 0 0}.d4-mark{color:#7a4a00;font-size:11px}
    details{margin:8px 0}summary{cursor:pointer;color:#1f4e8c}
    pre{background:#f6f7f9;border:1px solid var(--rule);padding:10px;overflow:auto;font-size:12px}
    code{font-size:12px}
    @media print{nav{display:none}body{max-width:none;padding:0;font-size:11pt}details>*{display:block}h2{break-after:avoid}}
    """
}
