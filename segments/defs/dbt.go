package defs

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments"
	"github.com/segscope/segscope/segments/rule"
)

// DBTSource is the dbt source the models read their tables from; its
// schema.yml entry lists them, and the project points it at where they live.
const DBTSource = "segscope"

// WriteDBT writes one dbt model per segment of f into dir, NAME.sql, a view
// of the members of the segment's table written for the engine d, and a
// schema.yml describing each model (its description, rule and version) and
// the source tables they read. The rules are compiled against ws's tables,
// as they would run there. It returns the files written.
//
// A model is a Jinja template, so a name or a value in a rule that holds
// Jinja's markers ({{, {%, {#) cannot be written in one and is an error.
func WriteDBT(ctx context.Context, ws *query.Workspace, f File, dir string, d *rule.Dialect) ([]string, error) {
	if len(f.Segments) == 0 {
		return nil, ErrNoSegments
	}
	// Tables are written as placeholders first, so that what the rule
	// brings can be checked for Jinja markup before dbt's own is put in.
	var tables []string
	placeholder := func(name string) string {
		i := slices.Index(tables, name)
		if i < 0 {
			i = len(tables)
			tables = append(tables, name)
		}
		return fmt.Sprintf("\x00%d\x00", i)
	}
	dd := d.WithTables(placeholder)
	store := segments.NewStore(ws)
	models := map[string]string{}
	for _, s := range f.Segments {
		text, err := store.SQLFor(ctx, s.Name, dd, segments.SelectMembers)
		if err != nil {
			return nil, fmt.Errorf("dbt model %s: %w", s.Name, err)
		}
		if strings.Contains(text, "{{") || strings.Contains(text, "{%") || strings.Contains(text, "{#") {
			return nil, fmt.Errorf("dbt model %s: its rule holds {{, {%% or {#, which dbt would read as Jinja: it cannot be written as a model", s.Name)
		}
		for i, t := range tables {
			text = strings.ReplaceAll(text, fmt.Sprintf("\x00%d\x00", i), "{{ source('"+DBTSource+"', "+jinjaString(t)+") }}")
		}
		v := s.Current()
		models[s.Name] = fmt.Sprintf("-- segscope segment %s, version %d, written for %s. Its rule and description are in schema.yml.\n"+
			"{{ config(materialized='view') }}\n\n%s\n", s.Name, v.Version, d.Name, text)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("dbt models: %w", err)
	}
	var written []string
	for _, s := range f.Segments {
		path := filepath.Join(dir, s.Name+".sql")
		if err := os.WriteFile(path, []byte(models[s.Name]), 0o644); err != nil {
			return nil, fmt.Errorf("dbt models: %w", err)
		}
		written = append(written, path)
	}
	path := filepath.Join(dir, "schema.yml")
	if err := os.WriteFile(path, []byte(schemaYAML(f, tables)), 0o644); err != nil {
		return nil, fmt.Errorf("dbt models: %w", err)
	}
	return append(written, path), nil
}

// jinjaString writes s as a Jinja string literal.
func jinjaString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// yamlString writes s as a YAML scalar: a JSON string is a valid
// double-quoted one.
func yamlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func schemaYAML(f File, tables []string) string {
	var b strings.Builder
	b.WriteString("# Written by segscope segment export-defs --dbt: one model per segment.\nversion: 2\n\n")
	b.WriteString("sources:\n  - name: " + DBTSource + "\n")
	b.WriteString("    description: \"The tables the segscope segments read: set schema (and database) to where they are.\"\n")
	b.WriteString("    quoting:\n      identifier: true\n    tables:\n")
	for _, t := range tables {
		b.WriteString("      - name: " + yamlString(t) + "\n")
	}
	b.WriteString("\nmodels:\n")
	for _, s := range f.Segments {
		v := s.Current()
		desc := v.Description
		if desc == "" {
			desc = s.Description
		}
		if desc == "" {
			desc = "segscope segment " + s.Name
		}
		fmt.Fprintf(&b, "  - name: %s\n    description: %s\n    meta:\n", s.Name, yamlString(desc))
		fmt.Fprintf(&b, "      segscope_table: %s\n      segscope_rule: %s\n      segscope_version: %d\n",
			yamlString(s.Table), yamlString(v.Rule), v.Version)
		if v.Reason != "" {
			fmt.Fprintf(&b, "      segscope_reason: %s\n", yamlString(v.Reason))
		}
		if s.Key != "" {
			fmt.Fprintf(&b, "    columns:\n      - name: %s\n        description: \"The person's key; one row per member.\"\n", yamlString(s.Key))
		}
	}
	return b.String()
}
