module braindock/ngram

go 1.19
