package export

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Progress is how far an export has got: rows written of the total the gate let through.
type Progress struct {
	Rows  int64 `json:"rows"`
	Total int64 `json:"total"`
}

// COPY is a single statement, so DuckDB cannot say how far it has got. The export
// query therefore runs its key column through segscope_progress(), a scalar
// function DuckDB calls once per vector of rows (2,048) as they flow into COPY; the
// function counts them for the export whose context the query runs under. It is in
// the projection, after every filter, so it counts exactly the rows written.
const progressFunction = "segscope_progress"

type progressKey struct{}

// counter is the running count of one export, carried in its query's context.
type counter struct {
	rows        atomic.Int64
	neutralised atomic.Int64
	report      func(int64)
}

func withCounter(ctx context.Context, report func(int64)) (context.Context, *counter) {
	c := &counter{report: report}
	return context.WithValue(ctx, progressKey{}, c), c
}

// countingUDF is a scalar function of no arguments that returns true and adds the
// rows of each vector it sees to the counter of the export running it.
type countingUDF func(c *counter, rows int64)

// counting are the functions an export's COPY calls, by name.
var counting = map[string]countingUDF{
	progressFunction:    func(c *counter, rows int64) { c.report(c.rows.Add(rows)) },
	neutralisedFunction: func(c *counter, rows int64) { c.neutralised.Add(rows) },
}

func (countingUDF) Config() duckdb.ScalarFuncConfig {
	boolean, _ := duckdb.NewTypeInfo(duckdb.TYPE_BOOLEAN)
	// Volatile, so DuckDB neither folds the call into a constant nor skips it.
	return duckdb.ScalarFuncConfig{ResultTypeInfo: boolean, Volatile: true}
}

func (count countingUDF) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{ChunkContextExecutor: func(ctx context.Context, chunk *duckdb.ChunkIteratorState) error {
		if c, ok := ctx.Value(progressKey{}).(*counter); ok {
			count(c, int64(chunk.GetInputChunk().GetSize()))
		}
		for row, err := range chunk.Rows() {
			if err != nil {
				return err
			}
			if err := row.SetResult(true); err != nil {
				return err
			}
		}
		return nil
	}}
}

// registering serialises the check-then-register of the counting functions,
// which live in the database's catalog, once per workspace.
var registering sync.Mutex

func registerFunctions(ctx context.Context, db *sql.DB) error {
	registering.Lock()
	defer registering.Unlock()
	for name, fn := range counting {
		// A call that binds shows the function is there; preparing it runs
		// nothing. (A look in duckdb_functions() lists every function DuckDB has,
		// which cost an export 20-40 ms.)
		if stmt, err := db.PrepareContext(ctx, "SELECT "+name+"()"); err == nil {
			stmt.Close()
			continue
		}
		conn, err := db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("prepare progress reporting: %w", err)
		}
		err = duckdb.RegisterScalarUDF(conn, name, fn)
		conn.Close()
		if err != nil {
			return fmt.Errorf("prepare progress reporting: %w", err)
		}
	}
	return nil
}
