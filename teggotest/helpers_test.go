package teggotest_test

import "github.com/teggo/teggo"

func teggoRegister(items ...any) teggo.Option { return teggo.Register(items...) }
