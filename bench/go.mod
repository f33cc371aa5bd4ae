module github.com/teggo/teggo/bench

go 1.26

require github.com/teggo/teggo v0.0.0

replace github.com/teggo/teggo => ../
