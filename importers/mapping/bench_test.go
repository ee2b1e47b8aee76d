package mapping

import (
	"strings"
	"testing"
)

func BenchmarkObserveMap(b *testing.B) {
	h := strings.Split("Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,Business Street,Business City,Business State,Business Postal Code,Business Country/Region,Business Phone,Home Phone,Mobile Phone,E-mail Address,E-mail Type,E-mail Display Name,E-mail 2 Address,Notes,Web Page", ",")
	row := strings.Split("Mr.,John,Q,Smith,,Acme Inc,Legal,CFO,1 Main St,Boston,MA,02134,USA,(617) 555-0100,,617.555.0101,john@acme.com,SMTP,John Smith (john@acme.com),,Met at lunch on 3/4/2020,acme.com", ",")
	p, _ := Choose("c.csv", "", h, [][]string{row}, nil, "")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Observe(row)
		p.Map(row)
	}
}
