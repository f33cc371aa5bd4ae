package config

import "github.com/teggo/teggo/container"

// Code is the stable code of every config error. Config errors are
// *container.Error, teggo's one error type, with the file in File and the
// dotted key in Key: "TEGGO_CONFIG: config/config.prod.yaml: key
// mysql.port: does not fit main.MySQL: ...".
const Code container.Code = "TEGGO_CONFIG"
