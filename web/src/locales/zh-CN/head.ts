export default {
  admins: {
    title: '业务管理员',
    lead: '为本院校开设业务管理员账号：业务管理员负责考生名册、缴费申请单和考点设置。',
    create: '创建账号',
    created: '已创建业务管理员 {username}',
  },
  certificates: {
    title: '证书签发',
    lead: '本站点考生的证书记录。考核站点负责人先签发，评价组织随后签发并编号；签发不可撤回，有问题请拒绝并说明原因。',
  },
  stamp: {
    title: '签名章',
    lead: '上传考核站点负责人的签名章图片，之后签发的证书都使用新的签名章。',
    leadOrg: '上传培训评价组织的签章图片，之后签发的证书在“培训评价组织”签名处使用新的签章。',
    file: '签名章图片',
    hint: 'PNG 格式，不超过 1 MB，建议透明背景。上传后替换原有签名章。',
    chooseFirst: '请先选择签名章图片',
    upload: '上传签名章',
    uploadFailed: '文件上传失败，请重试',
    preview: '所选签名章预览',
    done: '签名章已更新（{time}，{w}×{h} 像素）',
  },
}
