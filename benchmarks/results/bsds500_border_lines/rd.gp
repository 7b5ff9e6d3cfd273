set terminal svg size 900,600 dynamic background rgb 'white'
set output 'rd.svg'
set title 'Rate-distortion, 50 images'
set xlabel 'bits per pixel'
set ylabel 'PSNR RGB (dB)'
set grid
set key bottom right
$c0 << EOD
0.0732721 22.8517
0.105813 23.8899
0.169028 25.2888
0.262622 26.8016
0.384302 28.3033
0.572424 30.0824
EOD
$c1 << EOD
0.0730969 22.8551
0.105555 23.8744
0.169252 25.2965
0.262921 26.7989
0.385224 28.3046
0.573364 30.0851
EOD
$c2 << EOD
0.124997 20.8585
0.183652 23.0003
0.275261 24.8282
0.333148 25.6097
0.463594 27.0209
0.577644 27.9701
0.777327 29.3128
0.941714 30.2787
1.09756 31.069
1.51746 32.9649
2.91618 37.3956
EOD
$c3 << EOD
0.143153 24.4417
0.272993 26.384
0.391202 27.6987
0.53048 29.0071
0.66453 30.136
0.927836 32.1684
1.18933 33.8108
2.43492 39.8697
EOD
$c4 << EOD
0.0599602 22.7101
0.099189 24.0049
0.149266 25.1272
0.248019 26.7572
0.397286 28.5834
0.597361 30.5365
0.996418 33.5724
1.99614 39.0933
EOD
$c5 << EOD
0.100099 24.1657
0.158863 25.55
0.271661 27.4226
0.438943 29.4764
0.677075 31.6987
1.14553 35.0817
1.70734 38.4988
EOD
$c6 << EOD
0.200989 24.7916
0.283838 26.1261
0.477393 28.072
0.569092 28.9221
0.699173 29.9908
1.03784 32.5817
2.13575 38.2002
EOD
plot $c0 with linespoints lw 2 title 'spix:eed:tree:e7:tonal:qmap4:qauto:pf:c5:cfauto', \
     $c1 with linespoints lw 2 title 'spix:eed:tree:e7:tonal:qmap4:qauto:pf:cfauto:c5', \
     $c2 with linespoints lw 2 title 'jpeg', \
     $c3 with linespoints lw 2 title 'webp', \
     $c4 with linespoints lw 2 title 'jp2', \
     $c5 with linespoints lw 2 title 'avif', \
     $c6 with linespoints lw 2 title 'jxl'
set terminal pngcairo size 900,600
set output 'rd.png'
replot
