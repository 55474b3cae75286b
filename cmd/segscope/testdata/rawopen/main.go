// Command rawopen is the twin BenchmarkTablesProcess measures `segscope tables`
// against: the least a DuckDB user's own program does with a workspace file,
// opening it with duckdb-go, running SELECT 1 and closing it.
package main

import (
	"database/sql"
	"fmt"
	"os"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: rawopen FILE")
		os.Exit(2)
	}
	db, err := sql.Open("duckdb", os.Args[1])
	if err == nil {
		_, err = db.Exec(`SELECT 1`)
	}
	if err == nil {
		err = db.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
