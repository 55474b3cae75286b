package query

// StarterQuery is the SQL screen's first query on a table: a look at its rows,
// for the analyst to run as it is or to edit into the question they have.
func StarterQuery(table string) string {
	return "SELECT * FROM " + QuoteIdent(table) + " LIMIT 100"
}
