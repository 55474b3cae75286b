package segments

import (
	"context"
	"errors"
	"sync"
	"testing"
)

func TestCreateUpdateModes(t *testing.T) {
	ctx := context.Background()
	ws := sampleWorkspace(t)
	store := NewStore(ws)
	d := Definition{Name: "lapsing", Table: "subscribers", Rule: `days_since_login > 30`, Reason: "first"}

	before := auditCount(t, ws)
	if _, err := store.Update(ctx, d); !errors.Is(err, ErrNotFound) {
		t.Fatalf("updating a segment that does not exist: %v, want ErrNotFound", err)
	}
	if n := auditCount(t, ws); n != before {
		t.Fatalf("a refused update wrote %d audit entries", n-before)
	}
	seg, err := store.Create(ctx, d)
	if err != nil || seg.Version != 1 {
		t.Fatalf("create: %+v, %v", seg, err)
	}
	if _, err := store.Create(ctx, d); !errors.Is(err, ErrExists) {
		t.Fatalf("creating it again: %v, want ErrExists", err)
	}
	// A bad rule under a taken name is about the name: that is what the person must change.
	bad := d
	bad.Rule = `no_such_column > 1`
	if _, err := store.Create(ctx, bad); !errors.Is(err, ErrExists) {
		t.Fatalf("create with a taken name and a bad rule: %v, want ErrExists", err)
	}
	d.Rule, d.Reason = `days_since_login > 60`, "stricter"
	if seg, err = store.Update(ctx, d); err != nil || seg.Version != 2 {
		t.Fatalf("update: %+v, %v", seg, err)
	}
	if h, _ := store.History(ctx, "lapsing"); len(h) != 2 {
		t.Fatalf("history after create and update: %d versions", len(h))
	}

	if err := store.Delete(ctx, "lapsing", "gone"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Update(ctx, d); !errors.Is(err, ErrNotFound) {
		t.Fatalf("updating a deleted segment: %v, want ErrNotFound", err)
	}
	// A deleted name is free again, and its history goes on.
	if seg, err = store.Create(ctx, d); err != nil || seg.Version != 3 {
		t.Fatalf("create over a deleted segment: %+v, %v", seg, err)
	}
}

// TestCreateRace saves one new name from many goroutines at once: exactly one
// creates it, the others are told it exists, and there is one version.
func TestCreateRace(t *testing.T) {
	ctx := context.Background()
	ws := sampleWorkspace(t)
	store := NewStore(ws)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = store.Create(ctx, Definition{Name: "race", Table: "subscribers", Rule: `age > 30`})
		})
	}
	wg.Wait()
	created := 0
	for _, err := range errs {
		switch {
		case err == nil:
			created++
		case !errors.Is(err, ErrExists):
			t.Fatalf("a losing create failed with %v, want ErrExists", err)
		}
	}
	if created != 1 {
		t.Fatalf("%d goroutines created the segment, want exactly 1", created)
	}
	if h, err := store.History(ctx, "race"); err != nil || len(h) != 1 {
		t.Fatalf("history %+v, %v: want one version", h, err)
	}
}
