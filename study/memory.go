package study

// The study command's memory budget. Go's collector lets the heap grow to
// twice the live data before it collects (GOGC=100), so a study whose live
// heap peaks near 210 MB at 5e5 patients held about 460 MB. A soft memory
// limit (runtime/debug.SetMemoryLimit) makes the collector run before the
// process outgrows it; it must stay above the live heap with room to
// spare, or the collector runs nearly all the time. The live heap grows
// linearly with the cohort: the cohort's columns, the scores, the steps'
// per-patient columns and, per bootstrap worker, the resample's buffers.
// Measured (gctrace's largest live heap, B = 200, bench/study.sh's
// cohorts, the cohort released as the command does): 207 MB at 5e5 and
// 361 MB at 1e6 patients on 2 workers (about 53 MB + 308 bytes a patient);
// 162, 207 and 249 MB at 5e5 on 1, 2 and 4 workers (GOMAXPROCS), about 58
// bytes a patient a worker; writing the report holds up to about 90 MB at
// any size (the figures' canvases).
const (
	// memoryFloor covers writing the report and small cohorts.
	memoryFloor = 192 << 20
	// memoryBase, memoryPerPatient and memoryPerWorkerPatient give that
	// live heap about 25% of room or more (at 5e5 1.27 on 2 workers and
	// 1.34 on 4, at 1e6 1.31 on 2).
	memoryBase             = 48 << 20
	memoryPerPatient       = 280
	memoryPerWorkerPatient = 72
)

// MemoryLimit returns the soft memory limit in bytes for a study of n
// patients whose bootstrap runs on workers goroutines (GOMAXPROCS):
//
//	max(192 MiB, 48 MiB + n × (280 + 72 × workers) bytes)
//
// 250 MiB at 5e5 patients on 2 workers, 452 MiB at 1e6. It grows with the
// cohort as the live heap does, so it never falls below the live heap at
// a larger size (which would keep the collector running).
func MemoryLimit(n, workers int) int64 {
	return max(memoryFloor, memoryBase+int64(n)*(memoryPerPatient+memoryPerWorkerPatient*int64(max(workers, 1))))
}
