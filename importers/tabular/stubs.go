package tabular

import "errors"

func openSQLite(path string, opts Options) (Reader, error) { return nil, errors.New("todo") }
func openMDB(path string, opts Options) (Reader, error)    { return nil, errors.New("todo") }
