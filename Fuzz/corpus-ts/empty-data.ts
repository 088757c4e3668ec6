# expect: 4: no cases after @data
@univariate true
@classLabel true a
@data

