// The test values of tests/unit/test_fires.py, computed by the Flyte 1 scheduler's own code.
//
// name() is flyteadmin/scheduler/identifier/identifier.go (GetExecutionIdentifier, hashScheduledTimeStamp)
// and the Name expression of flyteadmin/scheduler/executor/executor_impl.go (Execute), flyteorg/flyte
// master 89cf9cc73611406a7659177054eb09696d766578, copied without the logging. Run it with Go and
// github.com/google/uuid (Debian: golang-go golang-github-google-uuid-dev):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run tests/unit/data/scheduler_names.go
//
// Output: the hashed text, Go's fnv.New64 sum, the execution name. Printed with go1.19.8, uuid 1.3.0.
package main

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/google/uuid"
)

func name(project, domain, lp, version string, t time.Time) string {
	h := fnv.New64()
	h.Write([]byte(fmt.Sprintf("%s:%s:%s:%s:%d", project, domain, lp, version, t.Unix())))
	b := make([]byte, 16)
	binary.LittleEndian.PutUint64(b, h.Sum64())
	id, err := uuid.FromBytes(b)
	if err != nil {
		panic(err)
	}
	return "f" + strings.ReplaceAll(id.String(), "-", "")[:19]
}

func main() {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	cases := []struct {
		p, d, n, v string
		t          time.Time
	}{
		{"flytesnacks", "development", "nightly", "v1", time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)},
		{"flytesnacks", "development", "nightly", "v2", time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)},
		{"flytesnacks", "development", "nightly", "v1", time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)},
		{"flytesnacks", "production", "hourly_report", "abc123", time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)},
		// the repeated hour of 2027-10-31 in Berlin: 02:30 CEST, then 02:30 CET an hour later
		{"flytesnacks", "development", "nightly", "v1", time.Date(2027, 10, 31, 0, 30, 0, 0, time.UTC).In(berlin)},
		{"flytesnacks", "development", "nightly", "v1", time.Date(2027, 10, 31, 1, 30, 0, 0, time.UTC).In(berlin)},
		{"p", "d", "n", "v", time.Unix(0, 0)},
	}
	for _, c := range cases {
		h := fnv.New64()
		h.Write([]byte(fmt.Sprintf("%s:%s:%s:%s:%d", c.p, c.d, c.n, c.v, c.t.Unix())))
		fmt.Printf("%s:%s:%s:%s:%d %d %s\n", c.p, c.d, c.n, c.v, c.t.Unix(), h.Sum64(), name(c.p, c.d, c.n, c.v, c.t))
	}
}
