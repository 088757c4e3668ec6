# expect: 6: the case has 2 steps, @seriesLength (line 3) declares 3
@equalLength true
@seriesLength 3
@classLabel true a
@data
1,2:a
