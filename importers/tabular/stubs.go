package tabular

import "errors"

func openDBF(path string, opts Options) (Reader, error)    { return nil, errors.New("todo") }
func openSQLite(path string, opts Options) (Reader, error) { return nil, errors.New("todo") }
func openMDB(path string, opts Options) (Reader, error)    { return nil, errors.New("todo") }
