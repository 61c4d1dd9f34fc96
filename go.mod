module carimpi

go 1.26.8
