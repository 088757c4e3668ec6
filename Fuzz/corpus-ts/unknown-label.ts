# expect: 6: unknown class label
@univariate true
@classLabel true 1 2
@data
1,2:1
1,2:3
