// The test values of the Flyte 2 trigger run names in tests/unit/test_trigger_fires.py, computed by the
// open-source Flyte 2 scheduler's own formula.
//
// runName() is runs/scheduler/executor/trigger_executor.go (flyteorg/flyte main 6fadb90d65), with the
// trigger's fields as arguments instead of a *models.Trigger; the scheduler passes the fire time in UTC
// (runs/scheduler/core/job.go: Execute(ctx, trigger, scheduledAt.UTC())). Run it with Go alone:
//
//	go run tests/unit/data/trigger_run_names.go
//
// Output: the hashed text, Go's fnv.New64 sum, the run name. Printed with go1.19.8.
package main

import (
	"fmt"
	"hash/fnv"
	"time"
)

func runName(project, domain, taskName, name string, scheduledAt time.Time) (string, uint64, string) {
	text := fmt.Sprintf("%s:%s:%s:%s:%d:%d:%d:%d:%d:%d", project, domain, taskName, name,
		scheduledAt.Year(), scheduledAt.Month(), scheduledAt.Day(),
		scheduledAt.Hour(), scheduledAt.Minute(), scheduledAt.Second())
	h := fnv.New64()
	_, _ = h.Write([]byte(text))
	return text, h.Sum64(), fmt.Sprintf("r%x", h.Sum64())
}

func main() {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	cases := []struct {
		p, d, t, n string
		at         time.Time
	}{
		{"proj", "development", "demo.train", "nightly", time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)},
		{"flytesnacks", "development", "envs.train", "nightly", time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)},
		{"flytesnacks", "development", "envs.train", "nightly", time.Date(2026, 11, 29, 3, 0, 0, 0, time.UTC)},
		{"flytesnacks", "development", "envs.train", "hourly", time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)},
		// the repeated hour of 2026-10-25 in Berlin: 02:30 CEST, then 02:30 CET an hour later
		{"flytesnacks", "development", "envs.train", "berlin", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC).In(berlin)},
		{"flytesnacks", "development", "envs.train", "berlin", time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC).In(berlin)},
		{"p", "d", "t", "n", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
	}
	for _, c := range cases {
		text, sum, name := runName(c.p, c.d, c.t, c.n, c.at.UTC())
		fmt.Printf("%s %d %s\n", text, sum, name)
	}
}
