set terminal svg size 900,600 dynamic background rgb 'white'
set output 'rd.svg'
set title 'Rate-distortion, 24 images'
set xlabel 'bits per pixel'
set ylabel 'PSNR RGB (dB)'
set grid
set key bottom right
$c0 << EOD
0.146728 22.1834
0.328933 23.6371
0.611005 25.0106
1.11652 26.7184
EOD
$c1 << EOD
0.356351 26.0564
0.750202 29.3429
1.28558 32.5848
1.73752 34.8839
EOD
$c2 << EOD
0.221154 23.8522
0.326589 26.6718
0.508269 29.1445
0.659793 30.4915
0.905521 32.1738
1.23876 33.9167
2.34632 38.034
EOD
$c3 << EOD
0.234419 28.3284
0.296336 29.1512
0.407049 30.407
0.512705 31.4426
0.721817 33.2376
0.934291 34.6934
2.01035 39.557
EOD
$c4 << EOD
0.119822 24.8338
0.239312 26.4546
0.479104 28.4386
0.959029 31.0239
1.9184 34.4248
3.83699 38.872
EOD
$c5 << EOD
0.0874083 26.4437
0.187486 28.8577
0.355124 31.3451
0.638387 34.1819
1.0232 36.9411
1.46298 39.2125
EOD
$c6 << EOD
0.216192 27.4515
0.367117 29.389
0.43521 30.2108
0.538945 31.2294
0.809263 33.6448
1.74636 38.2727
EOD
plot $c0 with linespoints lw 2 title 'spix:grid', \
     $c1 with linespoints lw 2 title 'spix:ps+nlpe:c1:tonal', \
     $c2 with linespoints lw 2 title 'jpeg', \
     $c3 with linespoints lw 2 title 'webp', \
     $c4 with linespoints lw 2 title 'jp2', \
     $c5 with linespoints lw 2 title 'avif', \
     $c6 with linespoints lw 2 title 'jxl'

set terminal pngcairo size 900,600
set output 'rd.png'
replot
