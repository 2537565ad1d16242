// serf-vivaldi replays a Vivaldi update schedule with HashiCorp Serf's coordinate library, so Discovery's Vivaldi
// and Serf's are compared on the same matrix, the same partners and the same order of updates.
//
//	serf-vivaldi -matrix FILE -unit s|ms -schedule FILE [-dims 8]
//
// The schedule has one update per line, "i j rtt_ms": node i measured rtt_ms to node j (as written by
// `discovery-bench vivaldi --schedule-out FILE`). Prints one JSON object with the same fields as discovery-bench.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/serf/coordinate"
)

func main() {
	matrixPath := flag.String("matrix", "", "RTT matrix file")
	unit := flag.String("unit", "ms", "matrix unit: ms or s")
	schedulePath := flag.String("schedule", "", "update schedule file")
	dims := flag.Int("dims", 8, "dimensions")
	flag.Parse()
	scale := 1.0
	if *unit == "s" {
		scale = 1000.0
	} else if *unit != "ms" {
		fail("-unit must be ms or s")
	}
	rtt := loadMatrix(*matrixPath, scale)
	n := len(rtt)

	config := coordinate.DefaultConfig()
	config.Dimensionality = uint(*dims)
	clients := make([]*coordinate.Client, n)
	for i := range clients {
		c, err := coordinate.NewClient(config)
		if err != nil {
			fail(err.Error())
		}
		clients[i] = c
	}

	start := time.Now()
	file, err := os.Open(*schedulePath)
	if err != nil {
		fail(err.Error())
	}
	defer file.Close()
	scanner := bufio.NewScanner(file)
	updates := 0
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) != 3 {
			continue
		}
		i, _ := strconv.Atoi(fields[0])
		j, _ := strconv.Atoi(fields[1])
		ms, _ := strconv.ParseFloat(fields[2], 64)
		other := clients[j].GetCoordinate()
		if _, err := clients[i].Update(strconv.Itoa(j), other, time.Duration(ms*float64(time.Millisecond))); err != nil {
			fail(err.Error())
		}
		updates++
	}
	seconds := time.Since(start).Seconds()

	var relative, absolute []float64
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if rtt[i][j] <= 0 {
				continue
			}
			estimate := clients[i].GetCoordinate().DistanceTo(clients[j].GetCoordinate()).Seconds() * 1000
			relative = append(relative, math.Abs(estimate-rtt[i][j])/rtt[i][j])
			absolute = append(absolute, math.Abs(estimate-rtt[i][j]))
		}
	}
	out, _ := json.Marshal(map[string]interface{}{
		"implementation":        "hashicorp/serf coordinate (Debian golang-github-hashicorp-serf-dev)",
		"nodes":                 n,
		"measured_pairs":        len(relative),
		"updates":               updates,
		"dims":                  *dims,
		"median_relative_error": round(percentile(relative, 0.5)),
		"p90_relative_error":    round(percentile(relative, 0.9)),
		"median_abs_error_ms":   round(percentile(absolute, 0.5)),
		"p90_abs_error_ms":      round(percentile(absolute, 0.9)),
		"seconds":               round(seconds),
	})
	fmt.Println(string(out))
}

// loadMatrix reads n lines of n numbers; 0 or less off the diagonal is "not measured"; a pair is the mean of both
// directions where both were measured, else the one that was.
func loadMatrix(path string, scale float64) [][]float64 {
	data, err := os.ReadFile(path)
	if err != nil {
		fail(err.Error())
	}
	var raw [][]float64
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		row := make([]float64, len(fields))
		for k, f := range fields {
			if row[k], err = strconv.ParseFloat(f, 64); err != nil {
				fail(fmt.Sprintf("%s: '%s' is not a number", path, f))
			}
		}
		raw = append(raw, row)
	}
	n := len(raw)
	rtt := make([][]float64, n)
	for i := range rtt {
		rtt[i] = make([]float64, n)
		for j := range rtt[i] {
			there, back := raw[i][j], raw[j][i]
			switch {
			case i == j:
			case there > 0 && back > 0:
				rtt[i][j] = (there + back) / 2 * scale
			case there > 0:
				rtt[i][j] = there * scale
			case back > 0:
				rtt[i][j] = back * scale
			}
		}
	}
	return rtt
}

func percentile(values []float64, q float64) float64 {
	sorted := append([]float64(nil), values...)
	sort.Float64s(sorted)
	k := int(math.Ceil(q*float64(len(sorted)))) - 1
	if k < 0 {
		k = 0
	}
	return sorted[k]
}

func round(v float64) float64 { return math.Round(v*10000) / 10000 }

func fail(message string) {
	fmt.Fprintln(os.Stderr, "serf-vivaldi:", message)
	os.Exit(2)
}
