// Package main: smoothed n-gram language models (unigram, bigram, trigram) as a braindock model container.
//
// `ngram train ORDER CORPUS MODEL` counts a corpus (one sentence per line, gzip) at build time; `ngram describe`
// prints the description; `ngram run [REQUEST]` answers a run request: the `language` layer, and the `next_word`
// task (natural-log probability of every word given the words before it in its stimulus).
//
// Smoothing: unigram add-one over the vocabulary plus </s> and <unk>; higher orders interpolated absolute
// discounting (D = 0.75) down to it. A word never seen in training is <unk> and gets <unk>'s probability, so every
// answer is finite.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

const (
	discount = 0.75
	bos      = "<s>"
	eos      = "</s>"
	unk      = "<unk>"
)

// Model holds the counts of every order up to Order; keys are words joined by a space. It is saved as JSON, whose
// map keys are sorted, so the same corpus gives the same file bytes (gob follows Go's random map order), and the
// image built from them keeps its ID.
type Model struct {
	Order      int              `json:"order"`
	Vocabulary []string         `json:"vocabulary"` // sorted training words, then </s> and <unk>
	Counts     []map[string]int `json:"counts"`     // Counts[k]: (k+1)-grams
	Context    []map[string]int `json:"context"`    // Context[k]: count of each k-word context followed by anything
	Followers  []map[string]int `json:"followers"`  // Followers[k]: distinct words after each k-word context
	Tokens     int              `json:"tokens"`
}

// Words splits a text as the contract does: whitespace, lower case, punctuation trimmed from both ends.
func Words(text string) []string {
	out := []string{}
	for _, field := range strings.Fields(text) {
		w := strings.Trim(strings.ToLower(field), ".,;:!?\"'()")
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

func train(order int, corpus string) (*Model, error) {
	file, err := os.Open(corpus)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	reader, err := gzip.NewReader(file)
	if err != nil {
		return nil, err
	}
	m := &Model{Order: order}
	for k := 0; k < order; k++ {
		m.Counts = append(m.Counts, map[string]int{})
		m.Context = append(m.Context, map[string]int{})
		m.Followers = append(m.Followers, map[string]int{})
	}
	seen := map[string]bool{}
	scanner := bufio.NewScanner(reader)
	for scanner.Scan() {
		words := Words(scanner.Text())
		if len(words) == 0 {
			continue
		}
		for _, w := range words {
			seen[w] = true
		}
		padded := append(append(repeat(bos, order-1), words...), eos)
		for i := order - 1; i < len(padded); i++ {
			m.Tokens++
			for k := 0; k < order; k++ {
				context := strings.Join(padded[i-k:i], " ")
				gram := strings.Join(padded[i-k:i+1], " ")
				if m.Counts[k][gram] == 0 {
					m.Followers[k][context]++
				}
				m.Counts[k][gram]++
				m.Context[k][context]++
			}
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, err
	}
	for w := range seen {
		m.Vocabulary = append(m.Vocabulary, w)
	}
	sort.Strings(m.Vocabulary)
	m.Vocabulary = append(m.Vocabulary, eos, unk)
	return m, nil
}

func repeat(word string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = word
	}
	return out
}

func (m *Model) known(word string) bool {
	return m.Counts[0][word] > 0
}

// Prob is p(word | the last Order-1 words of history), interpolated down to the add-one unigram.
func (m *Model) Prob(history []string, word string) float64 {
	if !m.known(word) && word != eos {
		word = unk
	}
	p := float64(m.Counts[0][word]+1) / float64(m.Tokens+len(m.Vocabulary))
	for k := 1; k < m.Order; k++ {
		context := strings.Join(history[len(history)-k:], " ")
		total := m.Context[k][context]
		if total == 0 {
			continue // unseen context: keep the lower order
		}
		count := float64(m.Counts[k][context+" "+word])
		lambda := discount * float64(m.Followers[k][context]) / float64(total)
		p = math.Max(count-discount, 0)/float64(total) + lambda*p
	}
	return p
}

// LogProbs: natural-log probability of each word given the words before it in the same sentence.
func (m *Model) LogProbs(words []string) []float64 {
	history := repeat(bos, m.Order-1)
	out := make([]float64, len(words))
	for i, w := range words {
		out[i] = math.Log(m.Prob(history, w))
		history = append(history, m.normal(w))
	}
	return out
}

func (m *Model) normal(word string) string {
	if m.known(word) {
		return word
	}
	return unk
}

// Features of one text for region language: its length-normalised bag of words over the vocabulary, then mean
// surprisal (bits), last word's surprisal (bits) and the number of words.
func (m *Model) Features(text string) []float32 {
	words := Words(text)
	out := make([]float32, len(m.Vocabulary)+3)
	index := map[string]int{}
	for i, w := range m.Vocabulary {
		index[w] = i
	}
	if len(words) == 0 {
		return out
	}
	logs := m.LogProbs(words)
	sum := 0.0
	for i, w := range words {
		out[index[m.normal(w)]] += 1 / float32(len(words))
		sum += -logs[i] / math.Ln2
	}
	n := len(m.Vocabulary)
	out[n] = float32(sum / float64(len(words)))
	out[n+1] = float32(-logs[len(logs)-1] / math.Ln2)
	out[n+2] = float32(len(words))
	return out
}

var names = map[int]string{1: "unigram", 2: "bigram", 3: "trigram"}

func describe(m *Model) map[string]any {
	name := names[m.Order]
	return map[string]any{
		"spec_version": "1.0", "identifier": "ngram-" + name, "version": "1.0.0",
		"authors": []map[string]string{{"name": "braindock team"}}, "license": "MIT", "modality": "text",
		"description": fmt.Sprintf("A %s language model written in Go, counted at build time on 20,000 sentences of braindock's "+
			"simulated grammar (containers/models/ngram/corpus.txt.gz, benchmarks/simulation/grammar.py); add-one unigram, "+
			"higher orders by interpolated absolute discounting (D = 0.75); unknown words get the <unk> probability. Region "+
			"language: the text's length-normalised bag of words over its %d-word vocabulary, its mean and last-word surprisal "+
			"(bits) and its number of words. Task next_word: the natural-log probability of each word given the words before "+
			"it in the stimulus. Deterministic; the request's seed is unused.", name, len(m.Vocabulary)),
		"regions":   map[string]any{"language": map[string]any{"layer": "bag-of-words+surprisal", "neuroids": len(m.Vocabulary) + 3}},
		"time_bins": [][]float64{{0, 1000}},
		"tasks":     []string{"passive", "next_word"},
	}
}

type stimulus struct {
	ID   string `json:"stimulus_id"`
	Path string `json:"path"`
}

type request struct {
	RequestID string     `json:"request_id"`
	Modality  string     `json:"modality"`
	Stimuli   []stimulus `json:"stimuli"`
	Record    struct {
		Regions  []string    `json:"regions"`
		TimeBins [][]float64 `json:"time_bins"`
	} `json:"record"`
	Task *struct {
		Name  string              `json:"name"`
		Words map[string][]string `json:"words"`
	} `json:"task"`
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ngram: "+format+"\n", args...)
	os.Exit(1)
}

func run(m *Model, requestPath, input, output string) {
	raw, err := os.ReadFile(requestPath)
	if err != nil {
		fail("cannot read the request: %v", err)
	}
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		fail("the request is not valid JSON: %v", err)
	}
	if req.Modality != "text" {
		fail("this model reads text; the request shows %q stimuli", req.Modality)
	}
	response := map[string]any{"spec_version": "1.0", "request_id": req.RequestID, "activations": map[string]any{}}
	ids := make([]string, len(req.Stimuli))
	for i, s := range req.Stimuli {
		ids[i] = s.ID
	}
	for _, region := range req.Record.Regions {
		if region != "language" {
			fail("region %q is not committed by this model (it commits: language)", region)
		}
		rows := [][]float32{}
		for _, s := range req.Stimuli {
			text, err := os.ReadFile(filepath.Join(input, s.Path))
			if err != nil {
				fail("cannot read stimulus %s: %v", s.ID, err)
			}
			rows = append(rows, m.Features(string(text)))
		}
		if err := writeNpy(filepath.Join(output, "language.npy"), rows, len(req.Record.TimeBins)); err != nil {
			fail("cannot write language.npy: %v", err)
		}
		response["activations"] = map[string]any{"language": map[string]any{
			"file": "language.npy", "stimulus_ids": ids, "time_bins": req.Record.TimeBins, "layer": "bag-of-words+surprisal"}}
	}
	if req.Task != nil {
		if req.Task.Name != "next_word" && req.Task.Name != "passive" {
			fail("task %q is not listed by this model (it lists passive, next_word)", req.Task.Name)
		}
		if req.Task.Name == "next_word" {
			answers := map[string][]float64{}
			for _, id := range ids {
				words, ok := req.Task.Words[id]
				if !ok {
					fail("task next_word gives no words for stimulus %s", id)
				}
				lower := make([]string, len(words))
				for i, w := range words {
					lower[i] = strings.ToLower(w)
				}
				answers[id] = m.LogProbs(lower)
			}
			response["behavior"] = map[string]any{"next_word": answers}
		}
	}
	out, _ := json.Marshal(response)
	if err := os.WriteFile(filepath.Join(output, "response.json"), out, 0o644); err != nil {
		fail("cannot write response.json: %v", err)
	}
}

// writeNpy writes rows (stimuli x features) repeated over bins as a float32 .npy of shape (stimuli, features, bins).
func writeNpy(path string, rows [][]float32, bins int) error {
	width := 0
	if len(rows) > 0 {
		width = len(rows[0])
	}
	header := "{'descr': '<f4', 'fortran_order': False, 'shape': (" + strconv.Itoa(len(rows)) + ", " + strconv.Itoa(width) + ", " + strconv.Itoa(bins) + "), }"
	pad := 64 - (10+len(header)+1)%64
	header += strings.Repeat(" ", pad%64) + "\n"
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	defer file.Close()
	writer := bufio.NewWriter(file)
	writer.WriteString("\x93NUMPY\x01\x00")
	writer.Write([]byte{byte(len(header) & 0xff), byte(len(header) >> 8)})
	writer.WriteString(header)
	buffer := make([]byte, 4)
	for _, row := range rows {
		for _, v := range row {
			bits := math.Float32bits(v)
			for b := 0; b < bins; b++ {
				buffer[0], buffer[1], buffer[2], buffer[3] = byte(bits), byte(bits>>8), byte(bits>>16), byte(bits>>24)
				writer.Write(buffer)
			}
		}
	}
	return writer.Flush()
}

func load(path string) *Model {
	file, err := os.Open(path)
	if err != nil {
		fail("cannot open the trained model: %v", err)
	}
	defer file.Close()
	var m Model
	if err := json.NewDecoder(bufio.NewReader(file)).Decode(&m); err != nil {
		fail("cannot read the trained model: %v", err)
	}
	return &m
}

func main() {
	args := os.Args[1:]
	modelPath := envOr("NGRAM_MODEL", "/model/model.json")
	switch {
	case len(args) == 4 && args[0] == "train":
		order, err := strconv.Atoi(args[1])
		if err != nil || order < 1 || order > 3 {
			fail("ORDER must be 1, 2 or 3, got %q", args[1])
		}
		m, err := train(order, args[2])
		if err != nil {
			fail("training failed: %v", err)
		}
		out, err := json.Marshal(m)
		if err != nil {
			fail("%v", err)
		}
		if err := os.WriteFile(args[3], out, 0o644); err != nil {
			fail("%v", err)
		}
	case len(args) == 1 && args[0] == "describe":
		out, _ := json.Marshal(describe(load(modelPath)))
		os.Stdout.Write(out)
	case len(args) >= 1 && args[0] == "run":
		input, output := envOr("BRAINDOCK_INPUT", "/input"), envOr("BRAINDOCK_OUTPUT", "/output")
		requestPath := filepath.Join(input, "request.json")
		if len(args) > 1 {
			requestPath = args[1]
		}
		run(load(modelPath), requestPath, input, output)
	default:
		fail("usage: ngram describe | run [/input/request.json] | train ORDER CORPUS.gz MODEL")
	}
}

func envOr(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}
