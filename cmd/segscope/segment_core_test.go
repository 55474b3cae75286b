package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/segscope/segscope/segments"
)

// TestSegmentCreateUpdatePreview: define --create and --update fail clearly
// where the name is taken or missing, and preview counts as the editor does.
func TestSegmentCreateUpdatePreview(t *testing.T) {
	t.Parallel()
	ws := seededWorkspace(t)
	def := func(extra ...string) error {
		_, _, err := run(t, ws, append([]string{"segment", "define", "lapsing", "--table", "subscribers", "--rule", "days_since_login > 30"}, extra...)...)
		return err
	}
	if err := def("--update"); err == nil || !strings.Contains(err.Error(), "no such segment") {
		t.Fatalf("--update of a new name: %v", err)
	}
	if err := def("--create"); err != nil {
		t.Fatal(err)
	}
	if err := def("--create"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("--create of a taken name: %v", err)
	}
	if err := def("--create", "--update"); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Fatalf("--create --update: %v", err)
	}
	if err := def("--update"); err != nil {
		t.Fatal(err)
	}
	if out := mustRun(t, ws, "segment", "history", "lapsing", "--format", "csv"); strings.Count(out, "\n") != 3 {
		t.Fatalf("history after create and update:\n%s", out)
	}

	var p struct {
		Count int64   `json:"count"`
		Total int64   `json:"total"`
		Share float64 `json:"share"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, ws, "segment", "preview", "--table", "subscribers", "--rule", "days_since_login > 30", "--format", "json")), &p); err != nil {
		t.Fatal(err)
	}
	n := strings.TrimSpace(mustRun(t, ws, "segment", "count", "lapsing"))
	if n == "0" || n != jsonNumber(p.Count) || p.Total != 20000 || p.Share != float64(p.Count)/20000 {
		t.Fatalf("preview %+v, segment count %s", p, n)
	}
	if _, _, err := run(t, ws, "segment", "preview", "--table", "subscribers", "--rule", "dayz > 3"); err == nil || !strings.Contains(err.Error(), "dayz") {
		t.Fatalf("preview of a wrong rule: %v", err)
	}

	// list gives each segment's size as count does, and its share of the table.
	mustRun(t, ws, "segment", "define", "adults", "--table", "subscribers", "--rule", "age >= 18")
	var list []struct {
		Name  string  `json:"name"`
		Size  int64   `json:"size"`
		Share float64 `json:"share"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, ws, "segment", "list", "--format", "json")), &list); err != nil {
		t.Fatal(err)
	}
	list = slices.DeleteFunc(list, func(s struct {
		Name  string  `json:"name"`
		Size  int64   `json:"size"`
		Share float64 `json:"share"`
	}) bool {
		return slices.ContainsFunc(sampleSegments(), func(d segments.Definition) bool { return d.Name == s.Name })
	})
	if len(list) != 2 || list[0].Name != "adults" || list[1].Name != "lapsing" || jsonNumber(list[1].Size) != n ||
		list[0].Size == 0 || list[0].Share != float64(list[0].Size)/20000 {
		t.Fatalf("segment list %+v", list)
	}
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
