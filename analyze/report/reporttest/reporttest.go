// Package reporttest checks reports against the JSON Schema of report v1
// (docs/report.schema.json) in tests, so that every package that produces
// a report (the engine's golden cases, the CLI) proves it keeps to the
// contract users' scripts rely on.
package reporttest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SchemaPath is the schema file, found relative to this source file (tests
// run inside the module's tree).
func SchemaPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "docs", "report.schema.json")
}

var (
	once   sync.Once
	schema *jsonschema.Schema
	errSch error
)

// Schema compiles docs/report.schema.json (draft 2020-12) with format
// assertions on, so "date-time" is checked.
func Schema() (*jsonschema.Schema, error) {
	once.Do(func() {
		data, err := os.ReadFile(SchemaPath())
		if err != nil {
			errSch = err
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			errSch = fmt.Errorf("%s: %w", SchemaPath(), err)
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.AssertFormat()
		if err := c.AddResource("report.schema.json", doc); err != nil {
			errSch = err
			return
		}
		schema, errSch = c.Compile("report.schema.json")
	})
	return schema, errSch
}

// Validate checks a JSON report against the schema and returns why it
// does not conform (nil when it does).
func Validate(data []byte) error {
	sch, err := Schema()
	if err != nil {
		return fmt.Errorf("report schema: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("report is not JSON: %w", err)
	}
	return sch.Validate(doc)
}

// Check fails t when data is not a report that conforms to the schema.
func Check(t testing.TB, data []byte) {
	t.Helper()
	if err := Validate(data); err != nil {
		t.Errorf("report does not conform to docs/report.schema.json:\n%v", err)
	}
}
