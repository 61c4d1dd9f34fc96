package mtv

import (
	"fmt"
	"image/png"
	"io"

	"carimpi/imaging/mip"
	"carimpi/imaging/nifti"
)

// WriteMask writes the lesion labels as a NIfTI uint16 image on the PET
// grid (i = column, j = row, k = sorted slice for DICOM), with the image's
// affine in RAS as sform and qform; gz compresses it.
func WriteMask(w io.Writer, img *Image, lab []int32, gz bool) error {
	g := &img.Volume.Geometry
	data := make([]uint16, len(lab))
	for i, l := range lab {
		if l > 65535 {
			return fmt.Errorf("%d lesions do not fit a uint16 mask", l)
		}
		data[i] = uint16(l)
	}
	a := g.Affine()
	for c := 0; c < 4; c++ { // LPS -> RAS
		a[0][c], a[1][c] = -a[0][c], -a[1][c]
	}
	return nifti.WriteUint16(w, [3]int{g.Nx, g.Ny, g.Nz}, a, data, gz, "carimpi mtv lesion labels")
}

// WriteMIP writes the coronal and sagittal MIP with lesion outlines as PNG.
func WriteMIP(w io.Writer, img *Image, lab []int32) error {
	return png.Encode(w, mip.Render(&img.Volume, lab))
}
