package analyze

import "fmt"

// dataValue is a data fact's value (profiles.Fact.Data) as expressions see
// every other value: lists as []any, mappings as map[string]any with
// string keys, numbers as float64 (as a pattern fact of type number), a
// fresh copy per bundle so that no bundle's expression shares it.
func dataValue(x any) any {
	switch v := x.(type) {
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = dataValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = dataValue(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[fmt.Sprint(k)] = dataValue(e)
		}
		return out
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	}
	return x
}
