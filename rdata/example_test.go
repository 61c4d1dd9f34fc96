package rdata_test

import (
	"fmt"
	"os"

	"carimpi/rdata"
)

// Read the objects of an R save() file and look at one matrix.
func ExampleRead() {
	fh, err := os.Open("testdata/objects-v2-bzip2.RData")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer fh.Close()
	f, err := rdata.Read(fh, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Kind, f.Compression, "version", f.Version, f.Names())
	mu := f.Get("dev_mu")
	fmt.Println(mu.Describe(), mu.DimNames()[0], mu.Doubles)
	// Output:
	// RData bzip2 version 2 [dev_mu small]
	// double [2 x 2] [d0_a d0_b] [0.1 0.2 0.3 0.4]
}
