// Package rule implements segscope's segment rule language: a small, safe
// expression language that compiles to DuckDB WHERE predicates.
//
// A rule is one condition over the columns of a table:
//
//	plan in ('premium', 'family') and days_since_login > 30
//	    and completion_rate < 0.4 and not segment('trialists')
//
// It has column names ("quoted" when they need it), string, number and
// boolean literals, date '2026-01-01' and timestamp '2026-01-01 10:00:00',
// ago(30 days), comparisons, and/or/not, in, between, like, ilike, contains,
// starts_with, is [not] null, arithmetic, a short whitelist of functions and
// segment('name') to reuse another segment's rule.
//
// Event conditions test what a person did, in the audience's event tables
// (Schema.Events): count(orders) >= 5, count(orders where Quantity < 0) >= 1,
// sum(orders.Quantity * orders.UnitPrice) > 1000, avg, min, max and
// count_distinct(orders.InvoiceNo) likewise, first(orders) and last(orders)
// (the event time), none(views in last 30 days) and any(...). A window, in
// last 90 days, and ago() count back from Schema.AsOf (now when unset). A
// measure is compared with a constant; people without events count 0 events
// and spend 0, and have no first, last, average, least or most.
//
// exported('name', in last 7 days) holds for the people who were in segment
// name when it was exported in that window (of real time, not the as-of
// time): not exported(...) is a frequency cap. Schema.Exported answers it.
//
// Parse builds the syntax tree, Check type-checks it against a Schema and
// Compile does both and produces SQL. CompileFor writes the same rule for
// another engine (Postgres, BigQuery, Snowflake, Databricks: see Dialect)
// with the same members, or says what that engine cannot express. Every error is an *Error that says
// where, what was found and what would have been accepted. Tokens splits a
// rule for syntax highlighting without ever failing.
//
// Safety does not rest on escaping what the user typed: the SQL is generated
// from the checked tree, with columns validated against the schema and
// emitted quoted, values re-formatted from their parsed form, and only
// whitelisted functions. There is no syntax for statements, subqueries,
// comments or casts, so none can reach DuckDB.
package rule
