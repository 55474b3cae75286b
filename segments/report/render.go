package report

import (
	"fmt"
	htmltemplate "html/template"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/segments/consent"
)

// Format is a report document format.
type Format string

const (
	Markdown Format = "markdown"
	HTML     Format = "html"
)

// FormatFor picks the format from a file name: .html/.htm is HTML, anything else Markdown.
func FormatFor(path string) Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm":
		return HTML
	}
	return Markdown
}

var funcs = map[string]any{
	"pct":   func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) },
	"count": counts.Format,
	"when":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"cell": func(t consent.Tally, s consent.State) string {
		return fmt.Sprintf("%s (%.1f%%)", counts.Format(t.Counts[s]), 100*t.Shares[s])
	},
	"export":   exportRow,
	"excluded": excludedText,
	"policy":   policyText,
	"join":     strings.Join,
	"short": func(h string) string {
		if len(h) > 12 {
			return h[:12]
		}
		return h
	},
	// code writes text for a Markdown code span: the span shows < and > as
	// they are (an escape would show as &gt;), so only what breaks a table
	// cell or ends the span is replaced.
	"code": func(s string) string {
		return strings.NewReplacer("|", `\|`, "\n", " ", "`", "'").Replace(s)
	},
	// md escapes the characters that would break a Markdown table cell.
	"md": func(s string) string {
		return strings.NewReplacer("|", `\|`, "\n", " ", "`", "'", "<", "&lt;", ">", "&gt;").Replace(s)
	},
}

// Render writes the report as Markdown or HTML.
func Render(w io.Writer, r *Report, f Format) error {
	if f == HTML {
		return htmlReport().Execute(w, r)
	}
	return markdownReport().Execute(w, r)
}

// The templates are parsed on first use, not at start: every segscope command
// would otherwise pay for parsing them (about 0.4 ms) before it runs.
var markdownReport = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("md").Funcs(funcs).Parse(`# segscope audit report

- Workspace: ` + "`{{.Workspace}}`" + `
- Generated: {{when .Generated}} by {{.Actor}}
- Personal data: {{if .Masked}}masked (emails, phone numbers and IP addresses in rules; no composition by personal-data columns){{else}}**revealed** (recorded in the audit log){{end}}
- Audit log: {{if .Chain.OK}}intact — {{.Chain.Entries}} entries verified{{with .Chain.Checkpoint}}, anchored to a signed checkpoint at entry {{.Seq}}{{end}}{{else}}**{{if .Chain.BrokenSeq}}BROKEN at entry {{.Chain.BrokenSeq}}{{else}}NOT VERIFIED{{end}}** of {{.Chain.Entries}}: {{md .Chain.Problem}}{{end}}
{{if gt (len .Chain.Findings) 1}}{{range .Chain.Findings}}  - {{md .}}
{{end}}{{end}}{{with .Chain.Note}}- {{md .}}
{{end}}
## Audit checkpoint
{{with .Chain.Checkpoint}}
The log holds entry {{.Seq}} with hash ` + "`{{.Hash}}`" + `, as the checkpoint signed {{when .Time}} vouches. Keep this
report (or the note below) outside the workspace: ` + "`segscope audit --verify --against REPORT`" + ` shows later whether the
log still holds that entry.

` + "```" + `
{{.Signed}}` + "```" + `
{{else}}
No signed checkpoint holds for this log.
{{end}}
## Tables

| table | rows | key | source |
|---|---:|---|---|
{{range .Tables}}| {{.Name}} | {{count .Rows}} | {{.Key}} | {{md .Source}} |
{{end}}
## Segments
{{if not .Segments}}
No segments are defined.
{{end}}{{range .Segments}}
### {{.Name}}

{{if .Description}}{{md .Description}}

{{end}}- Table: {{.Table}} (key {{.Key}}); owner {{.Owner}}; version {{.Version}}, changed {{when .Updated}}
- Rule: ` + "`{{code .Rule}}`" + `
{{if .Problem}}- **Problem:** {{md .Problem}}
{{else}}- Size: {{count .Size}} of {{count .Base}} ({{pct .Share}})
{{end}}{{with .Risk}}- Risk: **{{.Score}}**{{if .Gated}}, exported only with an acknowledged reason{{end}}
{{range .Flags}}  - {{.Code}} ({{.Severity}}): {{md .Reason}}
{{end}}{{end}}
| version | time | author | reason | rule |
|---:|---|---|---|---|
{{range .History}}| {{.Version}} | {{when .Time}} | {{.Author}} | {{md .Reason}} | ` + "`{{code .Rule}}`" + ` |
{{end}}{{range .Composed}}
**By {{.Column}}:** {{range $i, $v := .Values}}{{if $i}}, {{end}}{{md $v.Value}} {{pct $v.Share}}{{end}}
{{end}}{{with .Consent}}
Consent coverage of {{count .Members}} members:

{{$reasons := .Reasons}}| channel | contactable |{{range $reasons}} {{.}} |{{end}}
|---|---:|{{range $reasons}}---:|{{end}}
{{range .Channels}}{{$t := .Tally}}| {{.Channel}} | {{count .Contactable}} ({{pct .Share}}) |{{range $reasons}} {{cell $t .}} |{{end}}
{{end}}{{else}}{{if not .Problem}}
No consent set up for {{md .Table}}.
{{end}}{{end}}{{end}}
## Exports
{{if not .Exports}}
No exports have been made.
{{else}}
| # | time | actor | segment | file | format | channel | rows | of | excluded | risk | sha256 |
|---:|---|---|---|---|---|---|---:|---:|---|---|---|
{{range .Exports}}{{$x := export .}}| {{.Seq}} | {{when .Time}} | {{.Actor}} | {{md .Subject}} | {{md $x.File}} | {{$x.Format}} | {{or $x.Channel "none"}} | {{count $x.Rows}} | {{count $x.Size}} | {{excluded $x}} | {{$x.Risk}} | ` + "`{{short $x.SHA256}}`" + ` |
{{end}}{{end}}
## Compliance
{{with .Compliance}}
- Policy: {{policy .Policy}}
{{range .PolicyChanges}}- Policy changed {{when .Time}} by {{.Actor}} (entry {{.Seq}}): {{policy .Policy}}; reason: {{md .Reason}}
{{else}}- The policy is the default: never changed.
{{end}}
{{if .Suppression}}| suppression list | kind | entries |
|---|---|---:|
{{range .Suppression}}| {{.List}} | {{.Kind}} | {{count .Entries}} |
{{end}}{{else}}No suppression lists.
{{end}}
{{if .Acknowledgements}}| # | time | actor | segment | score | flags | reason |
|---:|---|---|---|---|---|---|
{{range .Acknowledgements}}| {{.Seq}} | {{when .Time}} | {{.Actor}} | {{md .Segment}} | {{.Score}} | {{join .Flags ", "}} | {{md .Reason}} |
{{end}}{{else}}No risk was acknowledged at export.
{{end}}
{{if .Erasures}}| # | time | actor | erased by | rows deleted | tables | reason |
|---:|---|---|---|---:|---|---|
{{range .Erasures}}| {{.Seq}} | {{when .Time}} | {{.Actor}} | {{.Kind}} | {{count .Rows}} | {{.Tables}} | {{md .Reason}} |
{{end}}{{else}}No data subject was erased.
{{end}}{{end}}
## Recent activity

| # | time | actor | action | subject | hash |
|---:|---|---|---|---|---|
{{range .Activity}}| {{.Seq}} | {{when .Time}} | {{.Actor}} | {{.Action}} | {{md .Subject}} | ` + "`{{short .Hash}}`" + ` |
{{end}}`))
})

var htmlReport = sync.OnceValue(func() *htmltemplate.Template {
	return htmltemplate.Must(htmltemplate.New("html").Funcs(funcs).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>segscope audit report</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
td.n,th.n{text-align:right;white-space:nowrap}table{max-width:100%;font-size:.9em}td{overflow-wrap:break-word}td code,td.w{word-break:break-all}code{background:#f3f3f3;padding:0 .2em}.bad{color:#b00;font-weight:bold}.ok{color:#070}
@media print{body{max-width:none;margin:0;font-size:10pt}code{white-space:pre-wrap;word-break:break-all}tr{break-inside:avoid}h2,h3{break-after:avoid}}
</style></head><body>
<h1>segscope audit report</h1>
<ul>
<li>Workspace: <code>{{.Workspace}}</code></li>
<li>Generated: {{when .Generated}} by {{.Actor}}</li>
<li>Personal data: {{if .Masked}}masked (emails, phone numbers and IP addresses in rules; no composition by personal-data columns){{else}}<strong>revealed</strong> (recorded in the audit log){{end}}</li>
<li>Audit log: {{if .Chain.OK}}<span class="ok">intact</span> — {{.Chain.Entries}} entries verified{{with .Chain.Checkpoint}}, anchored to a signed checkpoint at entry {{.Seq}}{{end}}{{else}}<span class="bad">{{if .Chain.BrokenSeq}}BROKEN at entry {{.Chain.BrokenSeq}}{{else}}NOT VERIFIED{{end}}</span> of {{.Chain.Entries}}: {{.Chain.Problem}}{{end}}
{{if gt (len .Chain.Findings) 1}}<ul>{{range .Chain.Findings}}<li class="bad">{{.}}</li>{{end}}</ul>{{end}}</li>
{{with .Chain.Note}}<li>{{.}}</li>{{end}}
</ul>
<h2 id="checkpoint">Audit checkpoint</h2>
{{with .Chain.Checkpoint}}<p>The log holds entry {{.Seq}} with hash <code>{{.Hash}}</code>, as the checkpoint signed {{when .Time}} vouches.
Keep this report (or the note below) outside the workspace: <code>segscope audit --verify --against REPORT</code> shows later
whether the log still holds that entry.</p>
<pre>{{.Signed}}</pre>{{else}}<p>No signed checkpoint holds for this log.</p>{{end}}
<h2 id="tables">Tables</h2>
<table><tr><th>table</th><th class="n">rows</th><th>key</th><th>source</th></tr>
{{range .Tables}}<tr><td>{{.Name}}</td><td class="n">{{count .Rows}}</td><td>{{.Key}}</td><td>{{.Source}}</td></tr>
{{end}}</table>
<h2 id="segments">Segments</h2>
{{if not .Segments}}<p>No segments are defined.</p>{{end}}
{{range .Segments}}<h3 id="segment-{{.Name}}">{{.Name}}</h3>
{{if .Description}}<p>{{.Description}}</p>{{end}}
<ul><li>Table: {{.Table}} (key {{.Key}}); owner {{.Owner}}; version {{.Version}}, changed {{when .Updated}}</li>
<li>Rule: <code>{{.Rule}}</code></li>
{{if .Problem}}<li class="bad">Problem: {{.Problem}}</li>{{else}}<li>Size: {{count .Size}} of {{count .Base}} ({{pct .Share}})</li>{{end}}
{{with .Risk}}<li>Risk: <b{{if eq .Score "high"}} class="bad"{{end}}>{{.Score}}</b>{{if .Gated}}, exported only with an acknowledged reason{{end}}{{if .Flags}}<ul>{{range .Flags}}<li>{{.Code}} ({{.Severity}}): {{.Reason}}</li>{{end}}</ul>{{end}}</li>{{end}}</ul>
<table><tr><th class="n">version</th><th>time</th><th>author</th><th>reason</th><th>rule</th></tr>
{{range .History}}<tr><td class="n">{{.Version}}</td><td>{{when .Time}}</td><td>{{.Author}}</td><td>{{.Reason}}</td><td><code>{{.Rule}}</code></td></tr>
{{end}}</table>
{{range .Composed}}<p><b>By {{.Column}}:</b> {{range $i, $v := .Values}}{{if $i}}, {{end}}{{$v.Value}} {{pct $v.Share}}{{end}}</p>
{{end}}{{with .Consent}}<p>Consent coverage of {{count .Members}} members:</p>
{{$reasons := .Reasons}}<table><tr><th>channel</th><th class="n">contactable</th>{{range $reasons}}<th class="n">{{.}}</th>{{end}}</tr>
{{range .Channels}}{{$t := .Tally}}<tr><td>{{.Channel}}</td><td class="n">{{count .Contactable}} ({{pct .Share}})</td>{{range $reasons}}<td class="n">{{cell $t .}}</td>{{end}}</tr>
{{end}}</table>{{else}}{{if not .Problem}}<p>No consent set up for {{.Table}}.</p>{{end}}{{end}}
{{end}}
<h2 id="exports">Exports</h2>
{{if not .Exports}}<p>No exports have been made.</p>{{else}}
<table><tr><th class="n">#</th><th>time</th><th>actor</th><th>segment</th><th>file</th><th>format</th><th>channel</th><th class="n">rows</th><th class="n">of</th><th>excluded</th><th>risk</th><th>sha256</th></tr>
{{range .Exports}}{{$x := export .}}<tr><td class="n">{{.Seq}}</td><td>{{when .Time}}</td><td>{{.Actor}}</td><td>{{.Subject}}</td><td class="w">{{$x.File}}</td><td>{{$x.Format}}</td><td>{{or $x.Channel "none"}}</td><td class="n">{{count $x.Rows}}</td><td class="n">{{count $x.Size}}</td><td>{{excluded $x}}</td><td>{{$x.Risk}}</td><td><code>{{short $x.SHA256}}</code></td></tr>
{{end}}</table>{{end}}
<h2 id="compliance">Compliance</h2>
{{with .Compliance}}<ul><li>Policy: {{policy .Policy}}</li>
{{range .PolicyChanges}}<li>Policy changed {{when .Time}} by {{.Actor}} (entry {{.Seq}}): {{policy .Policy}}; reason: {{.Reason}}</li>
{{else}}<li>The policy is the default: never changed.</li>{{end}}</ul>
{{if .Suppression}}<table><tr><th>suppression list</th><th>kind</th><th class="n">entries</th></tr>
{{range .Suppression}}<tr><td>{{.List}}</td><td>{{.Kind}}</td><td class="n">{{count .Entries}}</td></tr>
{{end}}</table>{{else}}<p>No suppression lists.</p>{{end}}
{{if .Acknowledgements}}<table><tr><th class="n">#</th><th>time</th><th>actor</th><th>segment</th><th>score</th><th>flags</th><th>reason</th></tr>
{{range .Acknowledgements}}<tr><td class="n">{{.Seq}}</td><td>{{when .Time}}</td><td>{{.Actor}}</td><td>{{.Segment}}</td><td>{{.Score}}</td><td>{{join .Flags ", "}}</td><td>{{.Reason}}</td></tr>
{{end}}</table>{{else}}<p>No risk was acknowledged at export.</p>{{end}}
{{if .Erasures}}<table><tr><th class="n">#</th><th>time</th><th>actor</th><th>erased by</th><th class="n">rows deleted</th><th>tables</th><th>reason</th></tr>
{{range .Erasures}}<tr><td class="n">{{.Seq}}</td><td>{{when .Time}}</td><td>{{.Actor}}</td><td>{{.Kind}}</td><td class="n">{{count .Rows}}</td><td>{{.Tables}}</td><td>{{.Reason}}</td></tr>
{{end}}</table>{{else}}<p>No data subject was erased.</p>{{end}}{{end}}
<h2 id="activity">Recent activity</h2>
<table><tr><th class="n">#</th><th>time</th><th>actor</th><th>action</th><th>subject</th><th>hash</th></tr>
{{range .Activity}}<tr><td class="n">{{.Seq}}</td><td>{{when .Time}}</td><td>{{.Actor}}</td><td>{{.Action}}</td><td>{{.Subject}}</td><td><code>{{short .Hash}}</code></td></tr>
{{end}}</table>
</body></html>
`))
})
