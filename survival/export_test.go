package survival

import "testing"

// EachPath runs f once with the hash path of tabulate and once with the
// sort path forced, so that the reference tests check both.
func EachPath(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	t.Run("hash", f)
	saved := tallyDistinct
	tallyDistinct = 0
	defer func() { tallyDistinct = saved }()
	t.Run("sort", f)
}
