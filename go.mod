module github.com/teggo/teggo

go 1.26
