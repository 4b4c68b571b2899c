// loadgen: a closed-loop HTTP load generator for the ckg GraphQL API (python -m bench api).
//
// Each of -c connections sends a request, waits for the answer, and sends the next, until -n
// requests in all have been answered (or -d elapsed). Every request is the GraphQL document in -query
// with $id set to a customer id from -ids: the next unused one in order (-pick unique: every request
// a different customer, so nothing is cached) or one at random (-pick random). It prints one JSON
// object: counts, errors, status codes, latency percentiles in milliseconds and throughput. An answer
// that is not 200 or holds "errors" counts as an error; the exit code is 1 when any request failed.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type result struct {
	Requests   int            `json:"requests"`
	Errors     int            `json:"errors"`
	Statuses   map[string]int `json:"statuses"`
	Seconds    float64        `json:"seconds"`
	Throughput float64        `json:"throughput"`
	P50        float64        `json:"p50_ms"`
	P90        float64        `json:"p90_ms"`
	P99        float64        `json:"p99_ms"`
	Max        float64        `json:"max_ms"`
	Mean       float64        `json:"mean_ms"`
	FirstError string         `json:"first_error,omitempty"`
}

func main() {
	url := flag.String("url", "http://127.0.0.1:8000/graphql", "GraphQL endpoint")
	token := flag.String("token", "", "bearer token")
	queryFile := flag.String("query", "", "file holding the GraphQL document (variable $id)")
	idsFile := flag.String("ids", "", "file with one customer id per line")
	conns := flag.Int("c", 1, "connections (closed loop: one request in flight each)")
	total := flag.Int("n", 1000, "requests in all")
	duration := flag.Duration("d", 0, "stop after this long instead (0: use -n)")
	pick := flag.String("pick", "random", "unique (every request another customer) or random")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Parse()

	doc, err := os.ReadFile(*queryFile)
	if err != nil {
		fail(err)
	}
	raw, err := os.ReadFile(*idsFile)
	if err != nil {
		fail(err)
	}
	ids := strings.Fields(string(raw))
	if len(ids) == 0 {
		fail(fmt.Errorf("no ids in %s", *idsFile))
	}
	if *pick == "unique" && *duration == 0 && *total > len(ids) {
		fail(fmt.Errorf("-pick unique needs at least -n ids (%d < %d)", len(ids), *total))
	}
	transport := &http.Transport{MaxIdleConns: *conns, MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext, DisableCompression: true}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}

	var next int64 = -1
	var mu sync.Mutex
	latencies := make([]float64, 0, *total)
	statuses := map[string]int{}
	errorsSeen := 0
	firstError := ""
	deadline := time.Time{}
	if *duration > 0 {
		deadline = time.Now().Add(*duration)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < *conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(*seed + int64(w)))
			for {
				i := atomic.AddInt64(&next, 1)
				if *duration > 0 {
					if time.Now().After(deadline) {
						return
					}
				} else if int(i) >= *total {
					return
				}
				var id string
				if *pick == "unique" {
					id = ids[int(i)%len(ids)]
				} else {
					id = ids[rng.Intn(len(ids))]
				}
				body, _ := json.Marshal(map[string]any{"query": string(doc), "variables": map[string]string{"id": id}})
				req, _ := http.NewRequest("POST", *url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+*token)
				t0 := time.Now()
				resp, err := client.Do(req)
				status := "transport"
				bad := err != nil
				var text []byte
				if err == nil {
					text, err = io.ReadAll(resp.Body)
					resp.Body.Close()
					status = fmt.Sprint(resp.StatusCode)
					bad = err != nil || resp.StatusCode != 200 || bytes.Contains(text, []byte(`"errors"`))
				}
				ms := float64(time.Since(t0).Microseconds()) / 1000
				mu.Lock()
				latencies = append(latencies, ms)
				statuses[status]++
				if bad {
					errorsSeen++
					if firstError == "" {
						if err != nil {
							firstError = err.Error()
						} else {
							firstError = string(text[:min(len(text), 300)])
						}
					}
				}
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	seconds := time.Since(start).Seconds()
	sort.Float64s(latencies)
	r := result{Requests: len(latencies), Errors: errorsSeen, Statuses: statuses, Seconds: seconds,
		Throughput: float64(len(latencies)) / seconds, FirstError: firstError}
	if n := len(latencies); n > 0 {
		pct := func(p float64) float64 { return latencies[min(n-1, int(float64(n)*p))] }
		r.P50, r.P90, r.P99, r.Max = pct(0.50), pct(0.90), pct(0.99), latencies[n-1]
		sum := 0.0
		for _, v := range latencies {
			sum += v
		}
		r.Mean = sum / float64(n)
	}
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
	if errorsSeen > 0 || r.Requests == 0 {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "loadgen:", err)
	os.Exit(2)
}
