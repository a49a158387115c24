/**
 * Strings of a citizen's own dossiers (web/src/pages/dossiers/MyDossiersPage.tsx, `/ho-so-cua-toi`)
 * and of the dossier page as the citizen sees it: the supplement request (form 02 of Circular
 * 03/2025/TT-VPCP) and the resubmission (web/src/pages/dossiers/Resubmission.tsx). Merged into the
 * dictionaries of web/src/i18n.ts.
 */

export const myDossiersVi = {
  'nav.dossiers.mine': 'Hồ sơ của tôi',

  'mine.title': 'Hồ sơ của tôi',
  'mine.intro': 'Các hồ sơ bạn đã nộp trực tuyến hoặc đứng tên người nộp, hồ sơ mới nhất ở trên. Mở một hồ sơ để xem quá trình giải quyết, tải các phiếu và nộp bổ sung khi được yêu cầu.',
  'mine.awaiting': 'Có {n} hồ sơ đang chờ bạn bổ sung, hoàn thiện.',
  'mine.awaitingOne': 'Có 1 hồ sơ đang chờ bạn bổ sung, hoàn thiện.',
  'mine.caption': '{total} hồ sơ',
  'mine.captionOne': '1 hồ sơ',
  'mine.empty': 'Bạn chưa có hồ sơ nào.',
  'mine.findService': 'Tìm thủ tục để nộp hồ sơ',
  'mine.service': 'Thủ tục',
  'mine.channel': 'Kênh nộp',
  'mine.submitted': 'Nộp lúc',
  'mine.due': 'Hẹn trả kết quả',
  'mine.noDueYet': 'Có khi hồ sơ được tiếp nhận',
  'mine.awaited': 'Chờ bạn bổ sung hồ sơ',
  'mine.resubmit': 'Bổ sung hồ sơ',
  'mine.resubmitFor': 'Bổ sung hồ sơ {code}',
  'mine.pages': 'Các trang hồ sơ',

  'dossier.backMine': 'Hồ sơ của tôi',
  'dossier.citizenWaiting': 'Hồ sơ đang do cơ quan có thẩm quyền giải quyết; bạn sẽ nhận được tin nhắn khi hồ sơ có thay đổi.',
  'dossier.noteShown': 'Ghi chú: {note}',

  'resubmit.title': 'Yêu cầu bổ sung, hoàn thiện hồ sơ',
  'resubmit.asked': 'Lúc {at}, cơ quan tiếp nhận đề nghị bạn bổ sung, hoàn thiện hồ sơ:',
  'resubmit.paused': 'Thời hạn giải quyết đang tạm dừng: còn {n} ngày làm việc, tính tiếp từ khi bạn nộp bổ sung.',
  'resubmit.pausedSameDay': 'Thời hạn giải quyết đang tạm dừng: khi bạn nộp bổ sung, hồ sơ được giải quyết trong ngày làm việc.',
  'resubmit.notReceived': 'Hồ sơ chưa được tiếp nhận: thời hạn giải quyết tính từ khi hồ sơ đầy đủ được tiếp nhận.',
  'resubmit.form02': 'Phiếu yêu cầu bổ sung, hoàn thiện (mẫu 02)',
  'resubmit.formTitle': 'Nộp bổ sung',
  'resubmit.intro': 'Đính kèm giấy tờ được yêu cầu, sửa tờ khai nếu cần, rồi bấm “Nộp bổ sung”.',
  'resubmit.files': 'Giấy tờ bổ sung (PDF, JPG hoặc PNG)',
  'resubmit.file': 'Tệp {n}',
  'resubmit.addFile': 'Thêm tệp',
  'resubmit.editForm': 'Sửa nội dung tờ khai',
  'resubmit.editFormHint': 'Chỉ sửa những gì được yêu cầu; thông tin lấy từ Cơ sở dữ liệu quốc gia về dân cư không sửa được.',
  'resubmit.note': 'Ghi chú cho cán bộ tiếp nhận (không bắt buộc)',
  'resubmit.submit': 'Nộp bổ sung',
  'resubmit.nothing': 'Hãy đính kèm giấy tờ, sửa tờ khai hoặc ghi chú nội dung bạn đã bổ sung.',
  'resubmit.invalid': 'Tờ khai còn trường chưa hợp lệ; xem các ô được đánh dấu.',
  'resubmit.uploadStopped': 'Chưa nộp bổ sung được vì có tệp không tải lên được. Sửa hoặc bỏ tệp đó rồi bấm “Nộp bổ sung” lại.',
  'resubmit.done': 'Đã nộp bổ sung. Hồ sơ chuyển sang trạng thái: {state}.',
} as const;

type Key = keyof typeof myDossiersVi;

export const myDossiersEn: Record<Key, string> = {
  'nav.dossiers.mine': 'My dossiers',

  'mine.title': 'My dossiers',
  'mine.intro': 'The dossiers you filed online or in which you are the applicant, newest first. Open one to follow its processing, download its forms and hand in what is asked for.',
  'mine.awaiting': '{n} of your dossiers are waiting for you to complete them.',
  'mine.awaitingOne': '1 of your dossiers is waiting for you to complete it.',
  'mine.caption': '{total} dossiers',
  'mine.captionOne': '1 dossier',
  'mine.empty': 'You have no dossiers yet.',
  'mine.findService': 'Find a procedure to file',
  'mine.service': 'Procedure',
  'mine.channel': 'Channel',
  'mine.submitted': 'Filed at',
  'mine.due': 'Result due on',
  'mine.noDueYet': 'Set when the dossier is received',
  'mine.awaited': 'Waiting for your completion',
  'mine.resubmit': 'Complete the dossier',
  'mine.resubmitFor': 'Complete dossier {code}',
  'mine.pages': 'Pages of dossiers',

  'dossier.backMine': 'My dossiers',
  'dossier.citizenWaiting': 'The dossier is with the competent authority; you will get a message whenever it changes.',
  'dossier.noteShown': 'Note: {note}',

  'resubmit.title': 'Request to complete the dossier',
  'resubmit.asked': 'On {at} the receiving office asked you to complete the dossier:',
  'resubmit.paused': 'The time limit is on hold: {n} working days are left, counted again from your resubmission.',
  'resubmit.pausedSameDay': 'The time limit is on hold: once you resubmit, the dossier is settled within the working day.',
  'resubmit.notReceived': 'The dossier has not been received yet: the time limit runs once the complete dossier is received.',
  'resubmit.form02': 'Request to supplement and complete (form 02)',
  'resubmit.formTitle': 'Resubmit',
  'resubmit.intro': 'Attach the documents asked for, correct the form if needed, then press “Resubmit”.',
  'resubmit.files': 'Documents (PDF, JPG or PNG)',
  'resubmit.file': 'File {n}',
  'resubmit.addFile': 'Add a file',
  'resubmit.editForm': 'Correct the form',
  'resubmit.editFormHint': 'Change only what was asked for; what comes from the national population database cannot be changed.',
  'resubmit.note': 'Note to the receiving officer (optional)',
  'resubmit.submit': 'Resubmit',
  'resubmit.nothing': 'Attach a document, correct the form or note what you completed.',
  'resubmit.invalid': 'Some fields of the form are not valid; see the marked ones.',
  'resubmit.uploadStopped': 'Not resubmitted: a file could not be uploaded. Fix or remove it, then press “Resubmit” again.',
  'resubmit.done': 'Resubmitted. The dossier is now: {state}.',
};
