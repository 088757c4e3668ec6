# expect: 5: unexpected header
@classLabel true a
@data
1:a
@dimensions 3
