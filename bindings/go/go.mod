module github.com/libbpfman/libbpfman/bindings/go

go 1.22
