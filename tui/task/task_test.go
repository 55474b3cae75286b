package task

import (
	"context"
	"testing"
	"time"
)

func TestFirstPrefersTheEarlierSlot(t *testing.T) {
	var a, b Slot
	if _, ok := First(&a, &b); ok {
		t.Fatal("idle slots report a job")
	}
	b.Start(context.Background(), "b", time.Time{})
	if info, ok := First(&a, &b); !ok || info.Label != "b" {
		t.Fatalf("First = %v, %v; want b", info, ok)
	}
	a.Start(context.Background(), "a", time.Time{})
	if info, _ := First(&a, &b); info.Label != "a" {
		t.Fatalf("First = %v; want a, listed first", info)
	}
}

func TestCancelAllStopsEverySlot(t *testing.T) {
	var a, b, idle Slot
	ctxA, _ := a.Start(context.Background(), "a", time.Time{})
	ctxB, _ := b.Start(context.Background(), "b", time.Time{})
	if !cancelAll(&a, &idle, &b) {
		t.Fatal("CancelAll reported nothing running")
	}
	if ctxA.Err() == nil || ctxB.Err() == nil || a.Running() || b.Running() {
		t.Fatal("a job survived CancelAll")
	}
	if cancelAll(&a, &b) {
		t.Fatal("CancelAll of idle slots reported a job")
	}
}
