// Package imaging holds the voxel grid shared by carimpi's PET packages: a
// volume of SUV values and its geometry in patient coordinates (DICOM LPS,
// millimetres). The file readers (imaging/dicom, imaging/nifti) fill it; the
// numerics (imaging/segment, imaging/mip) read it and know nothing of files.
package imaging

import (
	"errors"
	"fmt"
	"math"
)

// Geometry places voxel (i, j, k) of an Nx x Ny x Nz grid (i fastest, linear
// index (k*Ny + j)*Nx + i) in patient LPS coordinates:
//
//	centre(i, j, k) = Origins[k] + i*U + j*V
//
// For DICOM, i is the column, j the row and k the slice sorted by its
// position along the slice normal; Origins[k] is that slice's
// ImagePositionPatient. W is the mean step between slices.
type Geometry struct {
	Nx, Ny, Nz int
	U, V, W    [3]float64
	Origins    [][3]float64
	// VoxelML is the voxel volume in mL: PixelSpacing[0] x PixelSpacing[1] x
	// slice spacing / 1000 (DICOM) or pixdim[1] x pixdim[2] x pixdim[3] / 1000 (NIfTI).
	VoxelML float64
}

// Len is the number of voxels.
func (g *Geometry) Len() int { return g.Nx * g.Ny * g.Nz }

// Centre returns the LPS position (mm) of voxel (i, j, k).
func (g *Geometry) Centre(i, j, k int) [3]float64 {
	o := g.Origins[k]
	fi, fj := float64(i), float64(j)
	return [3]float64{o[0] + fi*g.U[0] + fj*g.V[0], o[1] + fi*g.U[1] + fj*g.V[1], o[2] + fi*g.U[2] + fj*g.V[2]}
}

// Regular builds a geometry whose slices are equally spaced by w from origin.
func Regular(nx, ny, nz int, origin, u, v, w [3]float64, voxelML float64) Geometry {
	g := Geometry{Nx: nx, Ny: ny, Nz: nz, U: u, V: v, W: w, VoxelML: voxelML, Origins: make([][3]float64, nz)}
	for k := range g.Origins {
		fk := float64(k)
		g.Origins[k] = [3]float64{origin[0] + fk*w[0], origin[1] + fk*w[1], origin[2] + fk*w[2]}
	}
	return g
}

// Affine returns the 4x4 matrix mapping (i, j, k, 1) to LPS mm of the regular
// grid through Origins[0] with steps U, V, W.
func (g *Geometry) Affine() [4][4]float64 {
	o := g.Origins[0]
	var a [4][4]float64
	for r := 0; r < 3; r++ {
		a[r] = [4]float64{g.U[r], g.V[r], g.W[r], o[r]}
	}
	a[3][3] = 1
	return a
}

// Volume is an SUV image: one float64 per voxel in the geometry's linear order.
type Volume struct {
	Geometry
	SUV []float64
}

// Check reports an inconsistent volume.
func (v *Volume) Check() error {
	if v.Nx <= 0 || v.Ny <= 0 || v.Nz <= 0 {
		return fmt.Errorf("empty volume %dx%dx%d", v.Nx, v.Ny, v.Nz)
	}
	if len(v.SUV) != v.Len() || len(v.Origins) != v.Nz {
		return errors.New("volume data does not match its geometry")
	}
	if !(v.VoxelML > 0) || math.IsInf(v.VoxelML, 0) {
		return fmt.Errorf("voxel volume %g mL is not positive", v.VoxelML)
	}
	return nil
}

// IndexMap returns, for a second grid of the same number of voxels whose
// voxel centres coincide with this grid's (any permutation or flip of the
// axes), the linear index in g of every voxel of other. It fails when the
// grids do not coincide to tol voxels.
func (g *Geometry) IndexMap(other *Geometry, tol float64) ([]int32, error) {
	if other.Len() != g.Len() {
		return nil, fmt.Errorf("grid %dx%dx%d does not match the image's %dx%dx%d", other.Nx, other.Ny, other.Nz, g.Nx, g.Ny, g.Nz)
	}
	// Express other's steps and origin in g's index space: solve [U V W] x = d.
	inv, ok := invert3([3][3]float64{
		{g.U[0], g.V[0], g.W[0]},
		{g.U[1], g.V[1], g.W[1]},
		{g.U[2], g.V[2], g.W[2]},
	})
	if !ok {
		return nil, errors.New("image geometry is degenerate")
	}
	mul := func(d [3]float64) [3]float64 {
		var x [3]float64
		for r := 0; r < 3; r++ {
			x[r] = inv[r][0]*d[0] + inv[r][1]*d[1] + inv[r][2]*d[2]
		}
		return x
	}
	c0, o0 := other.Centre(0, 0, 0), g.Origins[0]
	o := mul([3]float64{c0[0] - o0[0], c0[1] - o0[1], c0[2] - o0[2]}) // other's first voxel in g's index space
	steps := [3][3]float64{mul(other.U), mul(other.V), mul(other.W)}  // other's steps in g's index space
	var perm [3]int                                                   // other axis a maps to g axis perm[a] with sign sgn[a]
	var sgn [3]int
	var org [3]int
	for a := range perm {
		perm[a] = -1
	}
	dims := [3]int{g.Nx, g.Ny, g.Nz}
	odims := [3]int{other.Nx, other.Ny, other.Nz}
	for r := 0; r < 3; r++ {
		org[r] = int(math.Round(o[r]))
		if math.Abs(o[r]-float64(org[r])) > tol {
			return nil, errors.New("mask voxel centres do not coincide with the image's (different origin)")
		}
	}
	used := [3]bool{}
	for a := 0; a < 3; a++ {
		if odims[a] == 1 {
			continue
		}
		for r := 0; r < 3; r++ {
			s := steps[a][r]
			if math.Abs(math.Abs(s)-1) <= tol {
				if perm[a] >= 0 || used[r] {
					return nil, errors.New("mask axes do not match the image's")
				}
				perm[a], sgn[a], used[r] = r, int(math.Round(s)), true
			} else if math.Abs(s) > tol {
				return nil, errors.New("mask grid is not the image's grid (different spacing or rotation)")
			}
		}
		if perm[a] < 0 {
			return nil, errors.New("mask grid is not the image's grid")
		}
	}
	// Axes of length 1 take the remaining image axes.
	for a := 0; a < 3; a++ {
		if perm[a] >= 0 {
			continue
		}
		for r := 0; r < 3; r++ {
			if !used[r] && dims[r] == 1 {
				perm[a], sgn[a], used[r] = r, 1, true
				break
			}
		}
		if perm[a] < 0 {
			return nil, errors.New("mask grid is not the image's grid")
		}
	}
	for a := 0; a < 3; a++ {
		r := perm[a]
		end := org[r] + sgn[a]*(odims[a]-1)
		if dims[r] != odims[a] || org[r] < 0 || org[r] >= dims[r] || end < 0 || end >= dims[r] {
			return nil, errors.New("mask grid does not cover the image")
		}
	}
	stride := [3]int{1, g.Nx, g.Nx * g.Ny}
	out := make([]int32, other.Len())
	n := 0
	for k := 0; k < other.Nz; k++ {
		for j := 0; j < other.Ny; j++ {
			for i := 0; i < other.Nx; i++ {
				idx := [3]int{i, j, k}
				lin := 0
				for a := 0; a < 3; a++ {
					r := perm[a]
					lin += (org[r] + sgn[a]*idx[a]) * stride[r]
				}
				out[n] = int32(lin)
				n++
			}
		}
	}
	return out, nil
}

func invert3(m [3][3]float64) ([3][3]float64, bool) {
	det := m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) - m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) + m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	if det == 0 || math.IsNaN(det) {
		return m, false
	}
	var r [3][3]float64
	r[0][0] = (m[1][1]*m[2][2] - m[1][2]*m[2][1]) / det
	r[0][1] = (m[0][2]*m[2][1] - m[0][1]*m[2][2]) / det
	r[0][2] = (m[0][1]*m[1][2] - m[0][2]*m[1][1]) / det
	r[1][0] = (m[1][2]*m[2][0] - m[1][0]*m[2][2]) / det
	r[1][1] = (m[0][0]*m[2][2] - m[0][2]*m[2][0]) / det
	r[1][2] = (m[0][2]*m[1][0] - m[0][0]*m[1][2]) / det
	r[2][0] = (m[1][0]*m[2][1] - m[1][1]*m[2][0]) / det
	r[2][1] = (m[0][1]*m[2][0] - m[0][0]*m[2][1]) / det
	r[2][2] = (m[0][0]*m[1][1] - m[0][1]*m[1][0]) / det
	return r, true
}
