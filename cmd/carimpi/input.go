package main

import (
	"flag"
	"fmt"
	"os"

	"carimpi/record"
)

// inputFlags are the flags of every command that reads a patient file
// (validate, study, batch): one input path, package record.
type inputFlags struct {
	data, mapFile, units, dateOrder, sheet, decimal, thousands string
}

func (f *inputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "", "patient `file`, .csv (',' or ';' separated) or .xlsx")
	fs.StringVar(&f.mapFile, "map", "", "JSON column map: {\"source column\": \"dictionary name\"} or {\"columns\":{...},\"units\":{...},\"date_order\":\"dmy\"}")
	fs.StringVar(&f.units, "units", "", "declared units, e.g. `crp=mg/L,hb=g/L,plt=/uL,pfs_months=days` (override the map's)")
	fs.StringVar(&f.dateOrder, "date-order", "", "order of slash dates: dmy or mdy (default: only unambiguous dates)")
	fs.StringVar(&f.sheet, "sheet", "", "XLSX sheet (default: the first)")
	fs.StringVar(&f.decimal, "decimal", "", "decimal mark of the file's numbers: . or , (default: , in a ;-separated file, else .)")
	fs.StringVar(&f.thousands, "thousands", "", "thousands separator of the file's numbers: . , space or ' (default: none; 1.200 with decimal commas is refused as ambiguous)")
}

// options returns the reading options of the flags.
func (f *inputFlags) options() (record.Options, error) {
	var opts record.Options
	if f.mapFile != "" {
		mf, err := os.Open(f.mapFile)
		if err != nil {
			return opts, err
		}
		opts, err = record.ReadMap(mf)
		mf.Close()
		if err != nil {
			return opts, fmt.Errorf("%s: %w", f.mapFile, err)
		}
	}
	units, err := record.ParseUnits(f.units)
	if err != nil {
		return opts, usagef("--%v", err)
	}
	if len(units) > 0 && opts.Units == nil {
		opts.Units = record.Units{}
	}
	for k, v := range units {
		opts.Units[k] = v
	}
	if f.dateOrder != "" {
		opts.Format.DateOrder = record.DateOrder(f.dateOrder)
		if opts.Format.DateOrder != record.DateDMY && opts.Format.DateOrder != record.DateMDY {
			return opts, usagef("--date-order %q: use dmy or mdy", f.dateOrder)
		}
	}
	if opts.Format.Decimal, err = record.ParseMark("decimal", f.decimal); err != nil {
		return opts, usagef("%v", err)
	}
	if opts.Format.Thousands, err = record.ParseMark("thousands", f.thousands); err != nil {
		return opts, usagef("%v", err)
	}
	if opts.Format.Thousands != 0 && opts.Format.Decimal == 0 {
		if opts.Format.Thousands == '.' {
			opts.Format.Decimal = ','
		} else {
			opts.Format.Decimal = '.'
		}
	}
	if _, err := opts.Format.Check(); err != nil {
		return opts, usagef("--decimal/--thousands: %v", err)
	}
	opts.Sheet = f.sheet
	return opts, nil
}
