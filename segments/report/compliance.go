package report

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/query/counts"
	"github.com/segscope/segscope/segments/export"
	"github.com/segscope/segscope/segments/risk"
	"github.com/segscope/segscope/segments/subject"
	"github.com/segscope/segscope/segments/suppress"
)

// Compliance is the report's account of the compliance policy and what was
// done under it: the policy and its changes, the suppression lists (counts
// only), the risks acknowledged at export, and the subjects erased.
type Compliance struct {
	Policy           risk.Policy       `json:"policy"`
	PolicyChanges    []PolicyChange    `json:"policy_changes"`
	Suppression      []suppress.Count  `json:"suppression_lists"`
	Acknowledgements []Acknowledgement `json:"acknowledgements"`
	Erasures         []Erasure         `json:"erasures"`
}

// PolicyChange is a change of the compliance policy: the policy it set, and why.
type PolicyChange struct {
	Seq    int64       `json:"seq"`
	Time   time.Time   `json:"time"`
	Actor  string      `json:"actor"`
	Policy risk.Policy `json:"policy"`
	Reason string      `json:"reason"`
}

// Acknowledgement is an export of a gated segment, with its reason.
type Acknowledgement struct {
	Seq     int64     `json:"seq"`
	Time    time.Time `json:"time"`
	Actor   string    `json:"actor"`
	Segment string    `json:"segment"`
	Reason  string    `json:"reason"`
	Score   string    `json:"score"`
	Flags   []string  `json:"flags"`
}

// Erasure is a data-subject erasure, as its audit entry records it.
type Erasure struct {
	Seq    int64     `json:"seq"`
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor"`
	Kind   string    `json:"kind"`
	Rows   int64     `json:"rows_deleted"`
	Tables string    `json:"tables"`
	Reason string    `json:"reason"`
}

// ExportRow is an export's audit entry read for a table of exports.
type ExportRow struct {
	File     string           `json:"file"`
	Format   string           `json:"format"`
	Channel  string           `json:"channel"`
	Rows     int64            `json:"rows"`
	Size     int64            `json:"segment_size"`
	Excluded map[string]int64 `json:"excluded"`
	SHA256   string           `json:"sha256"`
	Risk     string           `json:"risk_score"`
}

// exportRow reads an export's audit details; what it cannot read stays empty.
func exportRow(e query.AuditEntry) ExportRow {
	var r ExportRow
	json.Unmarshal([]byte(e.Details), &r)
	return r
}

// excludedText lists an export's exclusions by reason, largest first.
func excludedText(r ExportRow) string {
	type kv struct {
		k string
		n int64
	}
	var out []kv
	for k, n := range r.Excluded {
		if n > 0 {
			out = append(out, kv{k, n})
		}
	}
	slices.SortFunc(out, func(a, b kv) int {
		if a.n != b.n {
			return int(b.n - a.n)
		}
		return strings.Compare(a.k, b.k)
	})
	parts := make([]string, len(out))
	for i, p := range out {
		parts[i] = p.k + " " + counts.Format(p.n)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func buildCompliance(ctx context.Context, ws *query.Workspace, scrub func(string) string) (Compliance, error) {
	var c Compliance
	var err error
	if c.Policy, err = risk.PolicyOf(ctx, ws); err != nil {
		return c, err
	}
	changes, err := ws.AuditLog(ctx, query.AuditFilter{Action: query.ActionPolicyChange})
	if err != nil {
		return c, err
	}
	c.PolicyChanges = []PolicyChange{}
	for _, e := range changes {
		if e.Subject != risk.PolicySubject {
			continue
		}
		var d struct {
			Policy risk.Policy `json:"policy"`
			Reason string      `json:"reason"`
		}
		json.Unmarshal([]byte(e.Details), &d)
		c.PolicyChanges = append(c.PolicyChanges, PolicyChange{Seq: e.Seq, Time: e.Time, Actor: e.Actor, Policy: d.Policy, Reason: scrub(d.Reason)})
	}
	if c.Suppression, err = suppress.New(ws).Counts(ctx); err != nil {
		return c, err
	}
	if c.Suppression == nil {
		c.Suppression = []suppress.Count{}
	}
	acks, err := ws.AuditLog(ctx, query.AuditFilter{Action: export.ActionAcknowledge})
	if err != nil {
		return c, err
	}
	c.Acknowledgements = []Acknowledgement{}
	for _, e := range acks {
		var d struct {
			Reason string `json:"reason"`
			Score  string `json:"score"`
			Flags  []struct {
				Code string `json:"flag"`
			} `json:"flags"`
		}
		json.Unmarshal([]byte(e.Details), &d)
		a := Acknowledgement{Seq: e.Seq, Time: e.Time, Actor: e.Actor, Segment: e.Subject, Reason: scrub(d.Reason), Score: d.Score}
		for _, f := range d.Flags {
			a.Flags = append(a.Flags, f.Code)
		}
		c.Acknowledgements = append(c.Acknowledgements, a)
	}
	erasures, err := ws.AuditLog(ctx, query.AuditFilter{Action: subject.ActionErase})
	if err != nil {
		return c, err
	}
	c.Erasures = []Erasure{}
	for _, e := range erasures {
		var d struct {
			Kind   string           `json:"kind"`
			Rows   map[string]int64 `json:"rows_deleted"`
			Reason string           `json:"reason"`
		}
		json.Unmarshal([]byte(e.Details), &d)
		er := Erasure{Seq: e.Seq, Time: e.Time, Actor: e.Actor, Kind: d.Kind, Reason: scrub(d.Reason)}
		var tables []string
		for t, n := range d.Rows {
			er.Rows += n
			tables = append(tables, t)
		}
		slices.Sort(tables)
		er.Tables = strings.Join(tables, ", ")
		c.Erasures = append(c.Erasures, er)
	}
	return c, nil
}

// policyText is a policy in one line.
func policyText(p risk.Policy) string {
	block := "none"
	if len(p.Block) > 0 {
		names := make([]string, len(p.Block))
		for i, c := range p.Block {
			names[i] = string(c)
		}
		block = strings.Join(names, ", ")
	}
	channel := p.MainChannel
	if channel == "" {
		channel = "email, else the first"
	}
	return fmt.Sprintf("k %d · exports gated from score %s · flags that gate alone: %s · main channel %s · low coverage under %.0f%% · strict jurisdictions from %.0f%%",
		p.K, p.GateScore, block, channel, 100*p.MinCoverage, 100*p.StrictShare)
}
