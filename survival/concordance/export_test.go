package concordance

import "testing"

// TwoWalkers makes compute walk with two goroutines whatever the size, for
// the rest of the test t.
func TwoWalkers(t *testing.T) {
	saved := parallelFrom
	parallelFrom = 0
	t.Cleanup(func() { parallelFrom = saved })
}
