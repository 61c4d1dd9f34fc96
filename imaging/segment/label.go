// Package segment finds and measures tumour lesions in an SUV volume:
// thresholding (absolute SUV or a fraction of each region's SUVmax),
// connected-component labelling with 6-, 18- or 26-connectivity, and the
// measures of metabolic tumour volume (MTV, TLG, SUVmax/mean/peak, Dmax).
// It is pure numerics on imaging.Volume; it knows nothing of files.
package segment

import (
	"fmt"
	"sort"
)

// Label labels the connected components of the foreground in place.
// On entry lab[i] != 0 marks foreground voxels; on return lab[i] is 0 for
// background and 1..n for the components, numbered by the smallest linear
// index of their voxels (the order a scan in z, y, x meets them).
// conn is 6 (faces), 18 (faces and edges) or 26 (faces, edges and corners).
//
// The algorithm is the classic two-pass scan with a union-find forest over
// provisional labels (Rosenfeld and Pfaltz 1966), O(voxels x conn/2).
func Label(lab []int32, nx, ny, nz, conn int) (int, error) {
	if nx*ny*nz != len(lab) {
		return 0, fmt.Errorf("segment: %d labels for a %dx%dx%d grid", len(lab), nx, ny, nz)
	}
	maxd := 0
	switch conn {
	case 6:
		maxd = 1
	case 18:
		maxd = 2
	case 26:
		maxd = 3
	default:
		return 0, fmt.Errorf("connectivity %d: use 6, 18 or 26", conn)
	}
	// The neighbours met before a voxel in the scan.
	type off struct{ dx, dy, dz, lin int }
	var offs []off
	for dz := -1; dz <= 0; dz++ {
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				if !(dz < 0 || (dz == 0 && dy < 0) || (dz == 0 && dy == 0 && dx < 0)) {
					continue
				}
				if abs(dx)+abs(dy)+abs(dz) > maxd {
					continue
				}
				offs = append(offs, off{dx, dy, dz, (dz*ny+dy)*nx + dx})
			}
		}
	}
	parent := []int32{0} // provisional label -> parent; 0 unused
	find := func(a int32) int32 {
		for parent[a] != a {
			parent[a] = parent[parent[a]]
			a = parent[a]
		}
		return a
	}
	i := 0
	for z := 0; z < nz; z++ {
		for y := 0; y < ny; y++ {
			for x := 0; x < nx; x++ {
				if lab[i] == 0 {
					i++
					continue
				}
				var cur int32
				for _, o := range offs {
					xx, yy, zz := x+o.dx, y+o.dy, z+o.dz
					if xx < 0 || xx >= nx || yy < 0 || yy >= ny || zz < 0 {
						continue
					}
					l := lab[i+o.lin]
					if l == 0 {
						continue
					}
					r := find(l)
					switch {
					case cur == 0:
						cur = r
					case r < cur:
						parent[cur] = r
						cur = r
					case r > cur:
						parent[r] = cur
					}
				}
				if cur == 0 {
					if len(parent) >= 1<<31-1 {
						return 0, fmt.Errorf("segment: too many components")
					}
					cur = int32(len(parent))
					parent = append(parent, cur)
				}
				lab[i] = cur
				i++
			}
		}
	}
	// Final labels in order of first appearance.
	final := make([]int32, len(parent))
	n := int32(0)
	for i, l := range lab {
		if l == 0 {
			continue
		}
		r := find(l)
		if final[r] == 0 {
			n++
			final[r] = n
		}
		lab[i] = final[r]
	}
	return int(n), nil
}

func abs(a int) int {
	if a < 0 {
		return -a
	}
	return a
}

// Order renumbers components 1..n of lab by descending voxel count, ties by
// the smallest linear index (the numbering Label leaves), keeping only those
// for which keep(id, voxels) is true (nil keeps all); the others become
// background. It returns the number kept.
func Order(lab []int32, n int, keep func(id, voxels int) bool) int {
	counts := make([]int, n+1)
	for _, l := range lab {
		counts[l]++
	}
	ids := make([]int, 0, n)
	for id := 1; id <= n; id++ {
		if keep == nil || keep(id, counts[id]) {
			ids = append(ids, id)
		}
	}
	sort.SliceStable(ids, func(a, b int) bool { return counts[ids[a]] > counts[ids[b]] })
	newID := make([]int32, n+1)
	for rank, id := range ids {
		newID[id] = int32(rank + 1)
	}
	for i, l := range lab {
		if l != 0 {
			lab[i] = newID[l]
		}
	}
	return len(ids)
}
