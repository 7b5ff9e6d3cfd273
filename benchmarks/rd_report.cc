#include "benchmarks/rd_report.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>

#include "baselines/classical_codecs.h"
#include "benchmarks/bd_metrics.h"
#include "bitstream/format.h"
#include "codec/image_io.h"

namespace spix {
namespace {

struct Mean {
  double bpp = 0, psnr = 0, ms_ssim = 0, encode = 0, decode = 0;
  int n = 0;
};

// Means over the images, per curve and point (CompressAI averages PSNR).
std::vector<std::vector<Mean>> Means(const ReportInput& in) {
  std::vector<std::vector<Mean>> m(in.curves.size());
  for (size_t c = 0; c < in.curves.size(); ++c)
    m[c].resize(in.curves[c].points.size());
  for (const PointResult& r : in.results) {
    Mean& s = m[r.curve][r.point];
    s.bpp += r.bpp;
    s.psnr += r.psnr;
    s.ms_ssim += r.ms_ssim;
    s.encode += r.encode_seconds;
    s.decode += r.decode_seconds;
    ++s.n;
  }
  for (auto& curve : m) {
    for (Mean& s : curve) {
      if (s.n == 0) continue;
      s.bpp /= s.n;
      s.psnr /= s.n;
      s.ms_ssim /= s.n;
      s.encode /= s.n;
      s.decode /= s.n;
    }
  }
  return m;
}

std::string FileName(const std::string& label) {
  std::string out;
  for (char ch : label)
    out += std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' ? ch : '_';
  return out;
}

Status WriteText(const std::string& path, const std::string& text) {
  return WriteFileAtomic(path, std::vector<uint8_t>(text.begin(), text.end()));
}

std::string Fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string Csv(const ReportInput& in) {
  std::ostringstream out;
  out << "image,codec,setting,bytes,bpp,psnr_rgb,ms_ssim,encode_s,decode_s\n";
  for (const PointResult& r : in.results) {
    out << r.image << ',' << in.curves[r.curve].label << ','
        << in.curves[r.curve].points[r.point].setting << ',' << r.bytes << ','
        << Fmt("%.6f", r.bpp) << ',' << Fmt("%.4f", r.psnr) << ','
        << Fmt("%.6f", r.ms_ssim) << ',' << Fmt("%.4f", r.encode_seconds) << ','
        << Fmt("%.4f", r.decode_seconds) << '\n';
  }
  return out.str();
}

std::string Json(const CodecCurve& curve, const std::vector<Mean>& means,
                 const ReportInput& in) {
  auto list = [&](auto get) {
    std::string s = "[";
    for (size_t i = 0; i < means.size(); ++i) {
      s += (i ? ", " : "") + Fmt("%.6f", get(means[i]));
    }
    return s + "]";
  };
  std::ostringstream out;
  out << "{\n  \"name\": \"" << curve.label << "\",\n"
      << "  \"description\": \"" << curve.label << " on " << in.images
      << " images of " << in.source
      << "; means over images; real file bytes; times in seconds (see "
         "summary.md for threads)\",\n"
      << "  \"results\": {\n"
      << "    \"bpp\": " << list([](const Mean& m) { return m.bpp; }) << ",\n"
      << "    \"psnr-rgb\": " << list([](const Mean& m) { return m.psnr; })
      << ",\n"
      << "    \"ms-ssim\": " << list([](const Mean& m) { return m.ms_ssim; })
      << ",\n"
      << "    \"encoding_time\": "
      << list([](const Mean& m) { return m.encode; }) << ",\n"
      << "    \"decoding_time\": "
      << list([](const Mean& m) { return m.decode; }) << "\n"
      << "  }\n}\n";
  return out.str();
}

RdCurve ToCurve(const std::vector<Mean>& means) {
  RdCurve c;
  for (const Mean& m : means) {
    if (m.n == 0 || !std::isfinite(m.psnr)) continue;
    c.bpp.push_back(m.bpp);
    c.psnr.push_back(m.psnr);
  }
  return c;
}

std::string Summary(const ReportInput& in,
                    const std::vector<std::vector<Mean>>& means) {
  std::ostringstream out;
  out << "# Rate-distortion benchmark\n\n"
      << in.images << " images from `" << in.source
      << "`. Means over the images; bpp from real file bytes; PSNR over RGB "
         "(or grey) samples; times in seconds per image, with "
      << in.jobs
      << " image(s) coded in parallel (spix: library calls, the LibTorch "
         "threads its settings give, diffusion on one core; JPEG, WebP, JPEG "
         "2000: library calls in memory; avif/jxl: their command-line tools, "
         "including process start and PNG I/O).\n\n"
      << "## Settings\n\n";
  for (size_t c = 0; c < in.curves.size(); ++c) {
    const CodecCurve& curve = in.curves[c];
    out << "- `" << curve.label << "`: ";
    if (curve.codec == "spix") {
      const EncodeOptions& o = curve.points.front().spix;
      out << "spix library (reads format versions up to " << int(kFormatVersion)
          << "), " << o.threads << " LibTorch thread(s), quantisation "
          << (o.quant_step_luma > 0 ? std::to_string(o.quant_step_luma)
                                    : std::string("per image"))
          << "/"
          << (o.quant_step_chroma > 0 ? std::to_string(o.quant_step_chroma)
                                      : std::string("per image"));
    } else {
      out << ClassicalCodecSettings(curve.codec);
    }
    if (c < in.reused.size() && in.reused[c])
      out << " (rows reused from an earlier run, see README)";
    out << "\n";
  }
  out << "\n## Means per codec point\n\n"
      << "| codec | setting | bpp | PSNR (dB) | MS-SSIM | encode (s) | decode "
         "(s) |\n"
      << "|---|---|---|---|---|---|---|\n";
  for (size_t c = 0; c < in.curves.size(); ++c) {
    for (size_t p = 0; p < means[c].size(); ++p) {
      const Mean& m = means[c][p];
      out << "| " << in.curves[c].label << " | "
          << in.curves[c].points[p].setting << " | " << Fmt("%.4f", m.bpp)
          << " | " << Fmt("%.2f", m.psnr) << " | " << Fmt("%.4f", m.ms_ssim)
          << " | " << Fmt("%.3f", m.encode) << " | " << Fmt("%.3f", m.decode)
          << " |\n";
    }
  }
  if (!in.at_bpp.empty()) {
    out << "\n## PSNR at fixed rates\n\nEach image's PSNR at the rate, "
           "interpolated linearly in log(bpp) between the two points of its "
           "curve around it, then the mean over the images. Where some "
           "curves do not reach the rate, the cell is in brackets: the mean "
           "over the images that do (a biased sample), and how many do "
           "not.\n\n| codec |";
    for (double b : in.at_bpp) out << " " << Fmt("%g", b) << " bpp |";
    out << "\n|---|";
    for (size_t i = 0; i < in.at_bpp.size(); ++i) out << "---|";
    out << "\n";
    for (size_t c = 0; c < in.curves.size(); ++c) {
      out << "| " << in.curves[c].label << " |";
      for (double b : in.at_bpp) {
        const FixedRatePsnr f = PsnrAtBpp(in, c, b);
        if (f.not_reached == 0) {
          out << " " << Fmt("%.2f", f.mean_psnr) << " |";
        } else if (f.images == 0) {
          out << " - (none reached) |";
        } else {
          out << " (" << Fmt("%.2f", f.mean_psnr) << "; " << f.not_reached
              << " not reached) |";
        }
      }
      out << "\n";
    }
  }
  // Anchors: JPEG, JPEG 2000 and the first diffusion spix curve (so the
  // learned codec is measured against the diffusion one).
  auto is_anchor = [](const CodecCurve& curve, int kind) {
    if (kind == 0) return curve.codec == "jpeg";
    if (kind == 1) return curve.codec == "jp2";
    return curve.codec == "spix" && !curve.points.empty() &&
           curve.points[0].spix.inpainter == Inpainter::kHomogeneousDiffusion;
  };
  for (int kind = 0; kind < 3; ++kind) {
    size_t anchor = in.curves.size();
    for (size_t c = 0; c < in.curves.size(); ++c) {
      if (is_anchor(in.curves[c], kind)) {
        anchor = c;
        break;
      }
    }
    if (anchor == in.curves.size()) continue;
    const RdCurve a = ToCurve(means[anchor]);
    out << "\n## Bjøntegaard deltas against " << in.curves[anchor].label
        << "\n\nBD-rate: mean bit-rate difference at equal PSNR over the PSNR "
           "range both curves cover (negative: fewer bits). BD-PSNR: mean PSNR "
           "difference at equal rate over the bpp range both cover. "
           "Least-squares polynomial fits of log-rate and PSNR (VCEG-M33), of "
           "the degree in the fit column: cubic with four or more points per "
           "curve, lower with fewer (less reliable, marked *).\n\n"
        << "| codec | BD-rate | over PSNR (dB) | BD-PSNR (dB) | over bpp | fit "
           "|\n"
        << "|---|---|---|---|---|---|\n";
    for (size_t c = 0; c < in.curves.size(); ++c) {
      if (c == anchor) continue;
      const RdCurve t = ToCurve(means[c]);
      const auto rate = BdRate(a, t);
      const auto psnr = BdPsnr(a, t);
      out << "| " << in.curves[c].label << " | "
          << (rate ? Fmt("%+.1f %%", rate->value) : "no overlap") << " | "
          << (rate ? Fmt("%.2f", rate->lo) + "-" + Fmt("%.2f", rate->hi) : "-")
          << " | " << (psnr ? Fmt("%+.2f", psnr->value) : "no overlap") << " | "
          << (psnr ? Fmt("%.3f", psnr->lo) + "-" + Fmt("%.3f", psnr->hi) : "-")
          << " | " << BdFitDegree(a, t) << (BdFitDegree(a, t) < 3 ? "*" : "")
          << " |\n";
    }
  }
  return out.str();
}

// The RD plot as a gnuplot script reading the per-curve data blocks.
std::string GnuplotScript(const ReportInput& in,
                          const std::vector<std::vector<Mean>>& means) {
  std::ostringstream out;
  out << "set terminal svg size 900,600 dynamic background rgb 'white'\n"
      << "set output 'rd.svg'\n"
      << "set title 'Rate-distortion, " << in.images << " images'\n"
      << "set xlabel 'bits per pixel'\nset ylabel 'PSNR RGB (dB)'\n"
      << "set grid\nset key bottom right\n";
  for (size_t c = 0; c < in.curves.size(); ++c) {
    out << "$c" << c << " << EOD\n";
    for (const Mean& m : means[c]) {
      if (m.n > 0 && std::isfinite(m.psnr))
        out << m.bpp << ' ' << m.psnr << '\n';
    }
    out << "EOD\n";
  }
  out << "plot ";
  for (size_t c = 0; c < in.curves.size(); ++c) {
    out << (c ? ", \\\n     " : "") << "$c" << c
        << " with linespoints lw 2 title '" << in.curves[c].label << "'";
  }
  out << "\nset terminal pngcairo size 900,600\nset output 'rd.png'\nreplot\n";
  return out.str();
}

}  // namespace

FixedRatePsnr PsnrAtBpp(const ReportInput& in, size_t curve, double bpp) {
  std::map<std::string, RdCurve> per_image;
  for (const PointResult& r : in.results) {
    if (r.curve != curve || !std::isfinite(r.psnr)) continue;
    per_image[r.image].bpp.push_back(r.bpp);
    per_image[r.image].psnr.push_back(r.psnr);
  }
  FixedRatePsnr f;
  for (const auto& [image, rd] : per_image) {
    if (const auto psnr = PsnrAtRate(rd, bpp)) {
      f.mean_psnr += *psnr;
      ++f.images;
    } else {
      ++f.not_reached;
    }
  }
  if (f.images) f.mean_psnr /= f.images;
  return f;
}

Status WriteReports(const ReportInput& in, const std::string& dir,
                    const std::function<void(const std::string&)>& notice) {
  const auto means = Means(in);
  SPIX_RETURN_IF_ERROR(WriteText(dir + "/per_image.csv", Csv(in)));
  SPIX_RETURN_IF_ERROR(WriteText(dir + "/summary.md", Summary(in, means)));
  for (size_t c = 0; c < in.curves.size(); ++c) {
    SPIX_RETURN_IF_ERROR(
        WriteText(dir + "/" + FileName(in.curves[c].label) + ".json",
                  Json(in.curves[c], means[c], in)));
  }
  SPIX_RETURN_IF_ERROR(WriteText(dir + "/rd.gp", GnuplotScript(in, means)));
  const std::string cmd = "cd '" + dir + "' && gnuplot rd.gp >/dev/null 2>&1";
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    if (notice) notice("gnuplot not installed: wrote rd.gp but no plot");
  } else if (std::system(cmd.c_str()) != 0) {
    if (notice) notice("gnuplot failed on rd.gp; no plot");
  }
  return OkStatus();
}

}  // namespace spix
