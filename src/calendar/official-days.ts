/**
 * The civil-service calendar as published for 2024–2026: every Monday–Friday date on which state
 * agencies are closed, and every Saturday worked to pay a swapped day back. Written from the
 * published decisions and notices (Labour Code 2019 Art. 111–112; Công văn 8662/VPCP-KGVX,
 * 2450/VPCP-KGVX, 8726/VPCP-KGVX, 12729/VPCP-KGVX; Thông báo 9441/TB-BNV), as gathered in
 * shared/data/official-days-off.json. 24 Nov 2026 (Vietnamese Culture Day, Resolution 80-NQ/TW,
 * reportedly made a paid holiday by Resolution 28/2026/QH16 from 1 Jul 2026) is unconfirmed.
 * Later years are added with `motcua calendar import` or the admin API.
 */
import type { CalendarEntry } from './model.js';

type Row = [string, CalendarEntry['kind'], CalendarEntry['basis'], string, string, string, boolean];

const ROWS: Row[] = [
  ['2024-01-01', 'day_off', 'statutory', "Tết Dương lịch", "New Year's Day", "https://vietnamnet.vn/en/laborers-to-enjoy-17-days-of-holidays-in-2024-2232489.html", false],
  ['2024-02-08', 'day_off', 'statutory', "Tết Nguyên đán (29 tháng Chạp năm Quý Mão)", "Lunar New Year holiday (29th day of the 12th lunar month)", "https://th389.vn/thu-tuong-chinh-phu-pham-minh-chinh-dong-y-nghi-tet-nguyen-dan-2024-trong-7-ngay-a172920.html", false],
  ['2024-02-09', 'day_off', 'statutory', "Tết Nguyên đán (30 tháng Chạp, giao thừa)", "Lunar New Year holiday (30th day of the 12th lunar month, New Year's Eve)", "https://th389.vn/thu-tuong-chinh-phu-pham-minh-chinh-dong-y-nghi-tet-nguyen-dan-2024-trong-7-ngay-a172920.html", false],
  ['2024-02-12', 'day_off', 'statutory', "Tết Nguyên đán (mùng 3 Tết Giáp Thìn)", "Lunar New Year holiday (3rd day of the 1st lunar month)", "https://th389.vn/thu-tuong-chinh-phu-pham-minh-chinh-dong-y-nghi-tet-nguyen-dan-2024-trong-7-ngay-a172920.html", false],
  ['2024-02-13', 'day_off', 'substitute', "Nghỉ bù Tết Nguyên đán (mùng 4 Tết, bù cho mùng 1 rơi vào thứ Bảy)", "Lunar New Year substitute day off (4th lunar day; for the 1st lunar day on a Saturday)", "https://th389.vn/thu-tuong-chinh-phu-pham-minh-chinh-dong-y-nghi-tet-nguyen-dan-2024-trong-7-ngay-a172920.html", false],
  ['2024-02-14', 'day_off', 'substitute', "Nghỉ bù Tết Nguyên đán (mùng 5 Tết, bù cho mùng 2 rơi vào Chủ nhật)", "Lunar New Year substitute day off (5th lunar day; for the 2nd lunar day on a Sunday)", "https://th389.vn/thu-tuong-chinh-phu-pham-minh-chinh-dong-y-nghi-tet-nguyen-dan-2024-trong-7-ngay-a172920.html", false],
  ['2024-04-18', 'day_off', 'statutory', "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "Hung Kings' Commemoration Day (10th day of the 3rd lunar month)", "https://vietnamnet.vn/en/laborers-to-enjoy-17-days-of-holidays-in-2024-2232489.html", false],
  ['2024-04-29', 'day_off', 'official_schedule', "Nghỉ hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 04/05/2024)", "Swapped day off for the 30 Apr–1 May break (worked back on Sat 4 May 2024)", "https://baotintuc.vn/infographics/ngay-nghi-le-dip-gio-to-hung-vuong-va-304-152024-20240412212054381.htm", false],
  ['2024-04-30', 'day_off', 'statutory', "Ngày Chiến thắng (Giải phóng miền Nam, thống nhất đất nước)", "Reunification Day", "https://baotintuc.vn/infographics/ngay-nghi-le-dip-gio-to-hung-vuong-va-304-152024-20240412212054381.htm", false],
  ['2024-05-01', 'day_off', 'statutory', "Ngày Quốc tế Lao động", "International Labour Day", "https://baotintuc.vn/infographics/ngay-nghi-le-dip-gio-to-hung-vuong-va-304-152024-20240412212054381.htm", false],
  ['2024-05-04', 'working_day', 'official_schedule', "Làm bù cho ngày nghỉ hoán đổi thứ Hai 29/04/2024", "Make-up working Saturday for the swapped Mon 29 Apr 2024", "https://baotintuc.vn/infographics/ngay-nghi-le-dip-gio-to-hung-vuong-va-304-152024-20240412212054381.htm", false],
  ['2024-09-02', 'day_off', 'statutory', "Quốc khánh", "National Day", "https://news.baokhanhhoa.vn/society/202408/2-days-off-for-the-national-day-4213607", false],
  ['2024-09-03', 'day_off', 'statutory', "Quốc khánh (ngày liền kề, sau 2/9)", "National Day (adjacent day, after 2 Sep)", "https://news.baokhanhhoa.vn/society/202408/2-days-off-for-the-national-day-4213607", false],
  ['2025-01-01', 'day_off', 'statutory', "Tết Dương lịch", "New Year's Day", "https://www.tet-amlich.com/2024/11/cac-ngay-nghi-le-2025.html", false],
  ['2025-01-27', 'day_off', 'statutory', "Tết Nguyên đán (28 tháng Chạp năm Giáp Thìn)", "Lunar New Year holiday (28th day of the 12th lunar month)", "https://pld.net.vn/tag/nghi-tet-nguyen-dan.html", false],
  ['2025-01-28', 'day_off', 'statutory', "Tết Nguyên đán (29 tháng Chạp, giao thừa)", "Lunar New Year holiday (29th (last) day of the 12th lunar month, New Year's Eve)", "https://pld.net.vn/tag/nghi-tet-nguyen-dan.html", false],
  ['2025-01-29', 'day_off', 'statutory', "Tết Nguyên đán (mùng 1 Tết Ất Tỵ)", "Lunar New Year holiday (1st day of the 1st lunar month)", "https://pld.net.vn/tag/nghi-tet-nguyen-dan.html", false],
  ['2025-01-30', 'day_off', 'statutory', "Tết Nguyên đán (mùng 2 Tết)", "Lunar New Year holiday (2nd day of the 1st lunar month)", "https://pld.net.vn/tag/nghi-tet-nguyen-dan.html", false],
  ['2025-01-31', 'day_off', 'statutory', "Tết Nguyên đán (mùng 3 Tết)", "Lunar New Year holiday (3rd day of the 1st lunar month)", "https://pld.net.vn/tag/nghi-tet-nguyen-dan.html", false],
  ['2025-04-07', 'day_off', 'statutory', "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "Hung Kings' Commemoration Day (10th day of the 3rd lunar month)", "https://en.baochinhphu.vn/three-days-off-in-celebration-for-hung-kings-commemoration-day-111250304153250976.htm", false],
  ['2025-04-26', 'working_day', 'official_schedule', "Làm bù cho ngày nghỉ hoán đổi thứ Sáu 02/05/2025", "Make-up working Saturday for the swapped Fri 2 May 2025", "https://en.baochinhphu.vn/three-days-off-in-celebration-for-hung-kings-commemoration-day-111250304153250976.htm", false],
  ['2025-04-30', 'day_off', 'statutory', "Ngày Chiến thắng (Giải phóng miền Nam, thống nhất đất nước)", "Reunification Day", "https://en.baochinhphu.vn/three-days-off-in-celebration-for-hung-kings-commemoration-day-111250304153250976.htm", false],
  ['2025-05-01', 'day_off', 'statutory', "Ngày Quốc tế Lao động", "International Labour Day", "https://en.baochinhphu.vn/three-days-off-in-celebration-for-hung-kings-commemoration-day-111250304153250976.htm", false],
  ['2025-05-02', 'day_off', 'official_schedule', "Nghỉ hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 26/04/2025)", "Swapped day off for the 30 Apr–1 May break (worked in advance on Sat 26 Apr 2025)", "https://en.baochinhphu.vn/three-days-off-in-celebration-for-hung-kings-commemoration-day-111250304153250976.htm", false],
  ['2025-09-01', 'day_off', 'statutory', "Quốc khánh (ngày liền kề, trước 2/9)", "National Day (adjacent day, before 2 Sep)", "https://vietnamnews.vn/society/1722634/national-day-holiday-to-last-four-days.html", false],
  ['2025-09-02', 'day_off', 'statutory', "Quốc khánh", "National Day", "https://vietnamnews.vn/society/1722634/national-day-holiday-to-last-four-days.html", false],
  ['2026-01-01', 'day_off', 'statutory', "Tết Dương lịch", "New Year's Day", "https://vietnamnews.vn/society/1732658/government-approves-four-day-new-year-holiday.html", false],
  ['2026-01-02', 'day_off', 'official_schedule', "Nghỉ hoán đổi dịp Tết Dương lịch (làm bù thứ Bảy 10/01/2026)", "Swapped day off for the New Year break (worked back on Sat 10 Jan 2026)", "https://vietnamnews.vn/society/1732658/government-approves-four-day-new-year-holiday.html", false],
  ['2026-01-10', 'working_day', 'official_schedule', "Làm bù cho ngày nghỉ hoán đổi thứ Sáu 02/01/2026", "Make-up working Saturday for the swapped Fri 2 Jan 2026", "https://vietnamnews.vn/society/1732658/government-approves-four-day-new-year-holiday.html", false],
  ['2026-02-16', 'day_off', 'statutory', "Tết Nguyên đán (29 tháng Chạp năm Ất Tỵ, giao thừa)", "Lunar New Year holiday (29th (last) day of the 12th lunar month, New Year's Eve)", "https://vietnamnews.vn/politics-laws/1727514/ministry-of-home-affairs-announces-2026-holiday-schedule-for-lunar-new-year-national-day.html", false],
  ['2026-02-17', 'day_off', 'statutory', "Tết Nguyên đán (mùng 1 Tết Bính Ngọ)", "Lunar New Year holiday (1st day of the 1st lunar month)", "https://vietnamnews.vn/politics-laws/1727514/ministry-of-home-affairs-announces-2026-holiday-schedule-for-lunar-new-year-national-day.html", false],
  ['2026-02-18', 'day_off', 'statutory', "Tết Nguyên đán (mùng 2 Tết)", "Lunar New Year holiday (2nd day of the 1st lunar month)", "https://vietnamnews.vn/politics-laws/1727514/ministry-of-home-affairs-announces-2026-holiday-schedule-for-lunar-new-year-national-day.html", false],
  ['2026-02-19', 'day_off', 'statutory', "Tết Nguyên đán (mùng 3 Tết)", "Lunar New Year holiday (3rd day of the 1st lunar month)", "https://vietnamnews.vn/politics-laws/1727514/ministry-of-home-affairs-announces-2026-holiday-schedule-for-lunar-new-year-national-day.html", false],
  ['2026-02-20', 'day_off', 'statutory', "Tết Nguyên đán (mùng 4 Tết)", "Lunar New Year holiday (4th day of the 1st lunar month)", "https://vietnamnews.vn/politics-laws/1727514/ministry-of-home-affairs-announces-2026-holiday-schedule-for-lunar-new-year-national-day.html", false],
  ['2026-04-27', 'day_off', 'substitute', "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch rơi vào Chủ nhật 26/04/2026)", "Hung Kings' Commemoration Day substitute day off (the holiday fell on Sun 26 Apr 2026)", "https://thanhnien.vn/gio-to-hung-vuong-304-15-quoc-khanh-29-nam-2026-duoc-nghi-may-ngay-185260223083506397.htm", false],
  ['2026-04-30', 'day_off', 'statutory', "Ngày Chiến thắng (Giải phóng miền Nam, thống nhất đất nước)", "Reunification Day", "https://thanhnien.vn/gio-to-hung-vuong-304-15-quoc-khanh-29-nam-2026-duoc-nghi-may-ngay-185260223083506397.htm", false],
  ['2026-05-01', 'day_off', 'statutory', "Ngày Quốc tế Lao động", "International Labour Day", "https://thanhnien.vn/gio-to-hung-vuong-304-15-quoc-khanh-29-nam-2026-duoc-nghi-may-ngay-185260223083506397.htm", false],
  ['2026-08-22', 'working_day', 'official_schedule', "Làm bù cho ngày nghỉ hoán đổi thứ Hai 31/08/2026", "Make-up working Saturday for the swapped Mon 31 Aug 2026", "https://vietnamnews.vn/politics-laws/1727514/ministry-of-home-affairs-announces-2026-holiday-schedule-for-lunar-new-year-national-day.html", false],
  ['2026-08-31', 'day_off', 'official_schedule', "Nghỉ hoán đổi dịp Quốc khánh (làm bù thứ Bảy 22/08/2026)", "Swapped day off for the National Day break (worked in advance on Sat 22 Aug 2026)", "https://vietnamnews.vn/politics-laws/1727514/ministry-of-home-affairs-announces-2026-holiday-schedule-for-lunar-new-year-national-day.html", false],
  ['2026-09-01', 'day_off', 'statutory', "Quốc khánh (ngày liền kề, trước 2/9)", "National Day (adjacent day, before 2 Sep)", "https://vietnamnews.vn/politics-laws/1727514/ministry-of-home-affairs-announces-2026-holiday-schedule-for-lunar-new-year-national-day.html", false],
  ['2026-09-02', 'day_off', 'statutory', "Quốc khánh", "National Day", "https://vietnamnews.vn/politics-laws/1727514/ministry-of-home-affairs-announces-2026-holiday-schedule-for-lunar-new-year-national-day.html", false],
  ['2026-11-24', 'day_off', 'statutory', "Ngày Văn hóa Việt Nam", "Vietnamese Culture Day", "https://xaydungchinhsach.chinhphu.vn/toan-van-nghi-quyet-so-28-2026-qh16-ve-phat-trien-van-hoa-viet-nam-119260508142130402.htm", true],
];

export const OFFICIAL_DAYS_2024_2026: CalendarEntry[] = ROWS.map(([date, kind, basis, nameVi, nameEn, source, unconfirmed]) => ({ date, kind, basis, nameVi, nameEn, source, unconfirmed }));
